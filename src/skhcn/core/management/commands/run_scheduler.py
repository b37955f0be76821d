import signal
import time

from django.core.management.base import BaseCommand

from skhcn.core.jobs import registered, run_due


class Command(BaseCommand):
    help = (
        "Tác vụ định kỳ do các ứng dụng đăng ký (chuyển số liệu truy cập vào cơ sở dữ liệu, xuất bản trang hẹn giờ, "
        "nhắc việc hồ sơ, gửi lại thư và tin nhắn…). Không dừng khi mất kết nối cơ sở dữ liệu hay Redis: thử lại."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Chạy mỗi tác vụ một lần rồi thoát.")

    def handle(self, *args, once=False, **options):
        jobs = registered()
        if once:  # tests and manual runs: errors surface instead of being retried
            for job in jobs:
                job.func()
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        while not stopping:
            next_run = run_due(jobs)
            # Sleep in short steps so that a stop request is honoured at once.
            while not stopping and time.monotonic() < next_run:
                time.sleep(min(0.5, max(0.0, next_run - time.monotonic())))
