import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from skhcn.delivery.tasks import maybe_enqueue_poll
from skhcn.dossiers.tasks import maybe_enqueue_due_reminders
from skhcn.notifications.services import requeue_due as requeue_notifications
from skhcn.payments.tasks import maybe_enqueue_reconciliation
from skhcn.visits.tasks import rollup_visits

PUBLISH_EVERY_SECONDS = 60


class Command(BaseCommand):
    help = (
        "Tác vụ định kỳ: chuyển số liệu truy cập từ Redis vào cơ sở dữ liệu; xuất bản / hết hạn trang hẹn giờ; "
        "nhắc việc hồ sơ đến hạn hằng ngày; gửi lại thư, tin nhắn chưa gửi được."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="Giây giữa hai lần chuyển số liệu truy cập.")
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval=5.0, once=False, **options):
        last_publish = 0.0
        while True:
            rollup_visits.call()
            if time.monotonic() - last_publish >= PUBLISH_EVERY_SECONDS or once:
                call_command("publish_scheduled", verbosity=0)
                # Once a day from DOSSIER_REMINDER_HOUR; a DB row per day keeps it single across schedulers.
                maybe_enqueue_due_reminders()
                maybe_enqueue_reconciliation()  # payments stuck in "pending": at most every 5 minutes
                maybe_enqueue_poll()  # postal shipments with a carrier that can be tracked
                requeue_notifications()  # e-mails / SMS due for a retry, or queued and never picked up
                last_publish = time.monotonic()
            if once:
                return
            time.sleep(interval)
