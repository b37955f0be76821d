"""The inbox in the citizen's account (``/tai-khoan/thong-bao/``) and, for staff, in the admin
(``/admin/thong-bao/``): the list, one notification (opening it marks it read), mark all read, channel choice.
Staff administrators also edit the templates and see messages that could not be sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.staff import has_role, user_roles

from . import services, sms, templating
from .constants import STAFF_EVENTS, DeliveryStatus, Event
from .forms import PreferenceForm, TemplateForm
from .models import ChannelPreference, Delivery, NotificationTemplate, SandboxSms

PAGE_SIZE = 20
SAVED = "Đã lưu lựa chọn kênh nhận thông báo."
ALL_READ = "Đã đánh dấu tất cả thông báo là đã đọc."


def _inbox_context(request, *, staff: bool) -> dict:
    preference = ChannelPreference.objects.filter(user=request.user).first() or ChannelPreference(user=request.user)
    form = PreferenceForm(instance=preference, staff=staff)
    page = Paginator(services.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return {"page": page, "form": form, "unread": services.unread_count(request.user), "staff": staff}


def _save_preference(request, *, staff: bool) -> bool:
    preference = ChannelPreference.objects.filter(user=request.user).first() or ChannelPreference(user=request.user)
    form = PreferenceForm(request.POST, instance=preference, staff=staff)
    if form.is_valid():
        form.save()
        messages.success(request, SAVED)
        return True
    messages.error(request, "Không lưu được lựa chọn, vui lòng thử lại.")
    return False


def _own_notification(request, pk):
    return get_object_or_404(services.inbox(request.user), pk=pk)


def _open(request, notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


# --- citizens ---
@login_required
@never_cache
def inbox(request):
    return render(request, "notifications/inbox.html", _inbox_context(request, staff=False))


@login_required
@never_cache
def detail(request, pk):
    notification = _own_notification(request, pk)
    _open(request, notification)
    return render(request, "notifications/detail.html", {"notification": notification})


@require_POST
@login_required
def mark_all_read(request):
    services.mark_read(request.user)
    messages.success(request, ALL_READ)
    return redirect("notifications:inbox")


@require_POST
@login_required
def preferences(request):
    _save_preference(request, staff=False)
    return redirect("notifications:inbox")


# --- staff (Wagtail admin) ---
def _staff_page(request, template, title, context, *, parent=None):
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": "Trang chủ"}]
    if parent:
        crumbs.append({"url": parent[0], "label": parent[1]})
    crumbs.append({"url": None, "label": title})
    return render(
        request,
        template,
        {**context, "page_title": title, "header_title": title, "header_icon": "mail", "breadcrumbs_items": crumbs},
    )


def _require_staff(request):
    if not user_roles(request.user):
        raise Http404


def can_edit_templates(user) -> bool:
    return has_role(user, StaffRole.ADMINISTRATOR)


def can_see_deliveries(user) -> bool:
    return has_role(user, StaffRole.ADMINISTRATOR, StaffRole.ONE_STOP)


@never_cache
def staff_inbox(request):
    _require_staff(request)
    if request.method == "POST":
        if "mark_all" in request.POST:
            services.mark_read(request.user)
            messages.success(request, ALL_READ)
        else:
            _save_preference(request, staff=True)
        return redirect("notifications_staff:inbox")
    return _staff_page(
        request, "notifications/staff/inbox.html", "Thông báo của tôi", _inbox_context(request, staff=True)
    )


@never_cache
def staff_detail(request, pk):
    _require_staff(request)
    notification = _own_notification(request, pk)
    _open(request, notification)
    return _staff_page(
        request,
        "notifications/staff/detail.html",
        notification.title,
        {"notification": notification},
        parent=(reverse("notifications_staff:inbox"), "Thông báo của tôi"),
    )


def template_list(request):
    if not can_edit_templates(request.user):
        raise Http404
    edited = {t.event: t for t in NotificationTemplate.objects.all()}
    rows = [
        {"event": value, "label": label, "staff": value in STAFF_EVENTS, "edited": edited.get(value)}
        for value, label in Event.choices
    ]
    return _staff_page(request, "notifications/staff/templates.html", "Mẫu thông báo", {"rows": rows})


def template_edit(request, event):
    if not can_edit_templates(request.user) or event not in Event.values:
        raise Http404
    instance = services.template_for(event)
    title = f"Mẫu thông báo: {Event(event).label}"
    if request.method == "POST" and "reset" in request.POST:
        NotificationTemplate.objects.filter(event=event).delete()
        messages.success(request, "Đã khôi phục nội dung mặc định.")
        return redirect("notifications_staff:template", event=event)
    form = TemplateForm(request.POST or None, instance=instance)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            values = templating.sample_values(event)
            data = form.cleaned_data
            preview = {
                "subject": templating.render(data["subject"], values),
                "body": templating.render(data["body"], values),
                "sms": templating.render(data["sms"], values),
            }
        else:
            template = form.save(commit=False)
            template.updated_by = request.user
            template.save()
            messages.success(request, "Đã lưu mẫu thông báo. Các thông báo từ nay dùng nội dung mới.")
            return redirect("notifications_staff:templates")
    variables = [(name, templating.VARIABLES[name]) for name in templating.allowed_variables(event)]
    return _staff_page(
        request,
        "notifications/staff/template_edit.html",
        title,
        {
            "form": form,
            "variables": variables,
            "preview": preview,
            "edited": instance.pk is not None,
            "sms_enabled": sms.enabled(),
        },
        parent=(reverse("notifications_staff:templates"), "Mẫu thông báo"),
    )


def delivery_list(request):
    if not can_see_deliveries(request.user):
        raise Http404
    status = request.GET.get("trang_thai", DeliveryStatus.FAILED)
    if status not in DeliveryStatus.values:
        status = DeliveryStatus.FAILED
    qs = Delivery.objects.filter(status=status).select_related("notification__dossier").order_by("-created_at", "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    return _staff_page(
        request,
        "notifications/staff/deliveries.html",
        "Thư, tin nhắn đã gửi",
        {"page": page, "status": status, "statuses": DeliveryStatus.choices},
    )


@require_POST
def delivery_resend(request, pk):
    if not can_see_deliveries(request.user):
        raise Http404
    delivery = get_object_or_404(Delivery, pk=pk)
    if delivery.status != DeliveryStatus.FAILED:
        messages.error(request, "Chỉ gửi lại được thư, tin nhắn đã gửi không thành công.")
    else:
        services.resend(delivery)
        messages.success(request, f"Đã đưa vào hàng đợi gửi lại: {delivery}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notifications_staff:deliveries")
    return redirect(target)


def sandbox_sms(request):
    if not can_see_deliveries(request.user):
        raise Http404
    page = Paginator(SandboxSms.objects.all(), 50).get_page(request.GET.get("trang"))
    return _staff_page(request, "notifications/staff/sandbox_sms.html", "Tin nhắn SMS thử nghiệm", {"page": page})
