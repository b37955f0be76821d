"""Real mail over loopback: an aiosmtpd server in a thread, Django's SMTP backend, the message read back."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action
from skhcn.dossiers.tests.workflow_support import submitted_dossier
from skhcn.notifications.constants import Channel, DeliveryStatus
from skhcn.notifications.models import Delivery

REFUSED = "khong-ton-tai@example.vn"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 Hộp thư không tồn tại"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


def receive(world):
    dossier = submitted_dossier(world)
    return workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)


def test_real_mail_with_receipt_over_smtp(world, clock, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(world)
    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == [world.applicant.email]
    # Python folds a long encoded subject onto the next line ("Subject:\n =?utf-8?b?…"): hence the strip().
    assert message["Subject"].strip() == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "Sở Khoa học và Công nghệ" in message["From"]
    parts = {part.get_content_type(): part for part in message.walk()}
    text = parts["text/plain"].get_content()
    assert "Kính gửi Nguyễn Văn An" in text and "Ngày hẹn trả kết quả: 23/03/2026" in text
    assert f'href="https://dichvucong.example.vn/dich-vu-cong/ho-so/{dossier.pk}/"' in parts["text/html"].get_content()
    pdf = parts["application/pdf"]
    assert pdf.get_filename().endswith(".pdf") and pdf.get_content().startswith(b"%PDF")
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_message_id == message["Message-ID"]


def test_undeliverable_address_fails_and_is_shown(world, clock, smtp_server, django_capture_on_commit_callbacks):
    world.applicant.email = REFUSED
    world.applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(world)
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert "Máy chủ thư từ chối địa chỉ người nhận (550" in delivery.last_error
    assert smtp_server.messages == []
    dossier.refresh_from_db()
    assert dossier.status == "received"


def test_server_down_keeps_the_change_and_retries(world, clock, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(world)
    dossier.refresh_from_db()
    assert dossier.status == "received"
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at > delivery.created_at
    assert "Không kết nối được máy chủ thư" in delivery.last_error
