from django import forms

from . import sms, templating
from .models import ChannelPreference, NotificationTemplate


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ChannelPreference
        fields = ["email", "sms"]
        labels = {
            "email": "Nhận thông báo qua thư điện tử",
            "sms": "Nhận thông báo qua tin nhắn SMS (số điện thoại trong hồ sơ)",
        }

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if staff or not sms.enabled():
            del self.fields["sms"]


class TemplateForm(forms.ModelForm):
    """Edits one event's texts; the model's ``clean`` refuses unknown ``{variables}`` with a Vietnamese message."""

    class Meta:
        model = NotificationTemplate
        fields = ["subject", "body", "sms", "send_email", "send_sms", "send_web"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "sms": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "sms"
        ].help_text = f"Tối đa {templating.SMS_MAX_LENGTH} ký tự. Để trống nếu không gửi SMS cho sự kiện này."
