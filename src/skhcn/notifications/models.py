from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from . import templating
from .constants import Attachment, Channel, DeliveryStatus, Event


class NotificationTemplate(models.Model):
    """Staff's edited text for one event. No row = the built-in default (``templating.DEFAULTS``); deleting the row
    restores it."""

    event = models.CharField("sự kiện", max_length=40, choices=Event.choices, unique=True)
    subject = models.CharField("tiêu đề (thư điện tử và thông báo trong tài khoản)", max_length=255)
    body = models.TextField("nội dung thư điện tử và thông báo trong tài khoản")
    sms = models.CharField("nội dung tin nhắn SMS", max_length=templating.SMS_MAX_LENGTH, blank=True)
    send_email = models.BooleanField("gửi thư điện tử", default=True)
    send_sms = models.BooleanField("gửi SMS", default=True)
    send_web = models.BooleanField("hiện trong tài khoản", default=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "mẫu thông báo"
        verbose_name_plural = "mẫu thông báo"

    def __str__(self):
        return self.get_event_display()

    def clean(self):
        errors = {}
        for field in ("subject", "body", "sms"):
            try:
                templating.validate(self.event, getattr(self, field))
            except templating.TemplateError as error:
                errors[field] = error.message
        if errors:
            raise ValidationError(errors)


class ChannelPreference(models.Model):
    """How a person wants to be told. Notifications always appear in the account; e-mail and SMS are optional."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField("nhận thư điện tử", default=True)
    sms = models.BooleanField("nhận tin nhắn SMS", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kênh nhận thông báo"
        verbose_name_plural = "kênh nhận thông báo"

    def __str__(self):
        return f"{self.user}: thư {'có' if self.email else 'không'}, SMS {'có' if self.sms else 'không'}"


class Notification(models.Model):
    """One event told to one person: what shows in their account, and the parent of the e-mail / SMS sent for it.
    ``user`` is empty for a dossier filed on paper (no account to show it in)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name="người nhận",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    event = models.CharField("sự kiện", max_length=40, choices=Event.choices)
    title = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung")
    link = models.CharField("đường liên kết", max_length=500, blank=True)
    show_in_account = models.BooleanField(default=True)
    created_at = models.DateTimeField("lúc", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "show_in_account", "-created_at"], name="notification_inbox")]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """One e-mail or SMS for a notification, rendered when the event happened (later template edits do not change
    it) and sent by a background task with retries."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    address = models.CharField("địa chỉ / số điện thoại", max_length=254)
    subject = models.CharField("tiêu đề", max_length=255, blank=True)
    body = models.TextField("nội dung")
    attachment = models.CharField("tệp đính kèm", max_length=20, choices=Attachment.choices, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lần tới lúc", null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("gửi được lúc", null=True, blank=True)
    last_error = models.CharField("lỗi gần nhất", max_length=500, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lượt gửi thông báo"
        verbose_name_plural = "lượt gửi thông báo"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address}"


class SandboxSms(models.Model):
    """A text the sandbox SMS plugin "sent": nothing leaves the machine, staff read them in the admin."""

    phone = models.CharField("số điện thoại", max_length=20)
    text = models.TextField("nội dung")
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tin nhắn SMS thử nghiệm"
        verbose_name_plural = "tin nhắn SMS thử nghiệm"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.phone}: {self.text[:40]}"
