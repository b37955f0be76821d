from ..models import SandboxSms as Record
from .base import SmsProvider


class SandboxSms(SmsProvider):
    """Sends nothing: records each text so the whole flow runs offline; staff read them under "Thông báo" →
    "Tin nhắn SMS thử nghiệm"."""

    name = "sandbox"
    label = "SMS thử nghiệm (không gửi ra ngoài)"
    sandbox = True

    def send(self, phone: str, text: str) -> str:
        return f"sandbox-{Record.objects.create(phone=phone, text=text).pk}"
