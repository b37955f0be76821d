import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Xuất bản / hết hạn các trang đã hẹn giờ, mỗi phút một lần."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval=60.0, once=False, **options):
        while True:
            call_command("publish_scheduled", verbosity=0)
            if once:
                return
            time.sleep(interval)
