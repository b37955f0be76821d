import pytest
from django.core import mail

from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action
from skhcn.dossiers.tests.workflow_support import dossier_at, submitted_dossier
from skhcn.notifications.constants import Channel, DeliveryStatus, Event
from skhcn.notifications.models import ChannelPreference, Delivery, NotificationTemplate, SandboxSms
from skhcn.notifications.wagtail_hooks import InboxMenuItem

from .factories import DeliveryFactory, NotificationFactory

INBOX = "/tai-khoan/thong-bao/"


# --- citizens ---
def test_inbox_lists_and_opening_marks_read(client, db):
    notification = NotificationFactory(title="Hồ sơ X đã được tiếp nhận")
    NotificationFactory()  # someone else's
    client.force_login(notification.user)
    page = client.get(INBOX).content.decode()
    assert "Thông báo (1 chưa đọc)" in page and "Hồ sơ X đã được tiếp nhận" in page
    assert page.count("notif-item") == 1
    detail = client.get(f"{INBOX}{notification.pk}/")
    assert detail.status_code == 200 and "Kính gửi Ông/Bà" in detail.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "chưa đọc" not in client.get(INBOX).content.decode()


def test_someone_elses_notification_is_404(client, db):
    mine, theirs = NotificationFactory(), NotificationFactory()
    client.force_login(mine.user)
    assert client.get(f"{INBOX}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_needs_login(client, db):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_mark_all_read(client, db):
    first = NotificationFactory()
    NotificationFactory(user=first.user)
    client.force_login(first.user)
    assert client.get(f"{INBOX}da-doc/").status_code == 405
    response = client.post(f"{INBOX}da-doc/", follow=True)
    assert "Đã đánh dấu tất cả thông báo là đã đọc." in response.content.decode()
    assert not first.user.notifications.filter(read_at=None).exists()


def test_choose_channels(client, world, clock, django_capture_on_commit_callbacks):
    client.force_login(world.applicant)
    page = client.get(INBOX).content.decode()
    assert "Nhận thông báo qua thư điện tử" in page and "Nhận thông báo qua tin nhắn SMS" in page
    response = client.post(f"{INBOX}kenh-nhan/", {"sms": "on"}, follow=True)
    assert "Đã lưu lựa chọn kênh nhận thông báo." in response.content.decode()
    preference = ChannelPreference.objects.get(user=world.applicant)
    assert (preference.email, preference.sms) == (False, True)
    dossier = submitted_dossier(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    assert mail.outbox == [] and SandboxSms.objects.count() == 1


def test_sms_choice_hidden_when_sms_is_off(client, settings, db):
    settings.SMS_PROVIDER = ""
    notification = NotificationFactory()
    client.force_login(notification.user)
    assert "tin nhắn SMS" not in client.get(INBOX).content.decode()


def test_profile_and_my_dossiers_link_to_the_inbox(client, db):
    notification = NotificationFactory()
    client.force_login(notification.user)
    for url in ("/tai-khoan/", "/dich-vu-cong/ho-so-cua-toi/"):
        page = client.get(url).content.decode()
        assert f'href="{INBOX}"' in page and "(1 chưa đọc)" in page


# --- staff ---
def inbox_label(user) -> str:
    from django.test import RequestFactory
    from django.urls import reverse

    request = RequestFactory().get("/admin/")
    request.user = user
    return InboxMenuItem("Thông báo của tôi", reverse("notifications_staff:inbox")).render_component(request).label


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def test_staff_inbox_and_menu(client, world, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_at("assigned", world)
    client.force_login(world.specialist)
    # The sidebar is JSON in the page: look for the items' names (ASCII); the label through the menu item itself.
    home = client.get("/admin/").content.decode()
    assert "thong-bao-cua-toi" in home and "mau-thong-bao" not in home  # templates: administrators only
    assert inbox_label(world.specialist) == "Thông báo của tôi (có thông báo mới)"
    page = client.get("/admin/thong-bao/").content.decode()
    assert f"Được phân công xử lý hồ sơ {dossier.code}" in page
    notification = world.specialist.notifications.get()
    assert client.get(f"/admin/thong-bao/{notification.pk}/").status_code == 200
    assert inbox_label(world.specialist) == "Thông báo của tôi"
    client.post("/admin/thong-bao/", {})  # e-mail switched off
    assert ChannelPreference.objects.get(user=world.specialist).email is False


def test_citizens_cannot_reach_staff_screens(client, world):
    client.force_login(world.applicant)
    for url in ("/admin/thong-bao/mau/", "/admin/thong-bao/gui/"):
        assert client.get(url).status_code in (302, 404)


def test_specialist_cannot_edit_templates(client, world):
    client.force_login(world.specialist)
    assert client.get("/admin/thong-bao/mau/").status_code == 404
    assert client.post("/admin/thong-bao/mau/received/", {"subject": "x", "body": "y"}).status_code == 404
    assert not NotificationTemplate.objects.exists()


def test_template_list_edit_preview_reset(admin_client):
    page = admin_client.get("/admin/thong-bao/mau/").content.decode()
    assert "Hồ sơ được tiếp nhận" in page and "Mặc định" in page
    url = "/admin/thong-bao/mau/received/"
    form = admin_client.get(url).content.decode()
    assert "{ma_ho_so}" in form and "Hồ sơ {ma_ho_so} đã được tiếp nhận" in form
    data = {
        "subject": "Đã nhận {ma_ho_so}",
        "body": "Chào {nguoi_nop}",
        "sms": "",
        "send_email": "on",
        "send_web": "on",
    }
    preview = admin_client.post(url, {**data, "preview": "1"}).content.decode()
    assert "Đã nhận 000.26.H11-261130-00001" in preview and "Chào Nguyễn Văn An" in preview
    assert not NotificationTemplate.objects.exists()  # preview saves nothing
    admin_client.post(url, {**data, "save": "1"})
    saved = NotificationTemplate.objects.get(event=Event.RECEIVED)
    assert saved.subject == "Đã nhận {ma_ho_so}" and not saved.send_sms
    admin_client.post(url, {"reset": "1"})
    assert not NotificationTemplate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "Hồ sơ {ma_hoso}", "Không có biến {ma_hoso} cho thông báo này."),
        ("body", "{nguoi_nop.password}", "chỉ dùng tên biến"),
        ("sms", "Hồ sơ {ma_ho_so", "Dấu ngoặc nhọn không khớp"),
        ("sms", "x" * 321, "tối đa 320 kí tự"),
        ("body", "", "Trường này là bắt buộc."),
    ],
)
def test_bad_template_is_refused_and_nothing_saved(admin_client, field, value, message):
    data = {"subject": "Đã nhận {ma_ho_so}", "body": "Chào {nguoi_nop}", "sms": "", "save": "1", field: value}
    response = admin_client.post("/admin/thong-bao/mau/received/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationTemplate.objects.exists()


def test_unknown_event_is_404(admin_client):
    assert admin_client.get("/admin/thong-bao/mau/khong-co/").status_code == 404


def test_failed_deliveries_list_and_resend(admin_client, django_capture_on_commit_callbacks):
    failed = DeliveryFactory(status=DeliveryStatus.FAILED, attempts=1, last_error="Máy chủ thư từ chối địa chỉ")
    page = admin_client.get("/admin/thong-bao/gui/").content.decode()
    assert "Máy chủ thư từ chối địa chỉ" in page and "Gửi lại" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/thong-bao/gui/{failed.pk}/gui-lai/", follow=True)
    assert "Đã đưa vào hàng đợi gửi lại" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT
    again = admin_client.post(f"/admin/thong-bao/gui/{failed.pk}/gui-lai/", follow=True)
    assert "Chỉ gửi lại được thư, tin nhắn đã gửi không thành công." in again.content.decode()
    assert admin_client.get("/admin/thong-bao/gui/?trang_thai=khong-co").status_code == 200


def test_specialist_cannot_resend(client, world):
    failed = DeliveryFactory(status=DeliveryStatus.FAILED)
    client.force_login(world.specialist)
    assert client.post(f"/admin/thong-bao/gui/{failed.pk}/gui-lai/").status_code == 404
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED


def test_dossier_page_shows_what_was_sent(client, world, clock, django_capture_on_commit_callbacks):
    world.applicant.email = "sai-dia-chi@example.vn"
    world.applicant.save()
    dossier = submitted_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    Delivery.objects.filter(channel=Channel.EMAIL).update(status=DeliveryStatus.FAILED, last_error="550 Không có")
    client.force_login(world.one_stop)
    page = client.get(f"/admin/ho-so/{dossier.pk}/").content.decode()
    assert "Thư, tin nhắn gửi người nộp" in page
    assert "sai-dia-chi@example.vn" in page and "550 Không có" in page and "Gửi lại" in page


def test_sandbox_sms_page(admin_client, settings):
    SandboxSms.objects.create(phone="0912345678", text="Hồ sơ X đã được tiếp nhận")
    page = admin_client.get("/admin/thong-bao/sms-thu-nghiem/").content.decode()
    assert "MÔI TRƯỜNG THỬ NGHIỆM" in page and "Hồ sơ X đã được tiếp nhận" in page
    assert "sms-thu-nghiem" in admin_client.get("/admin/").content.decode()
    settings.SMS_PROVIDER = ""
    assert "sms-thu-nghiem" not in admin_client.get("/admin/").content.decode()


def test_resend_never_redirects_off_site(admin_client):
    failed = DeliveryFactory(status=DeliveryStatus.FAILED)
    response = admin_client.post(f"/admin/thong-bao/gui/{failed.pk}/gui-lai/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/thong-bao/gui/"
