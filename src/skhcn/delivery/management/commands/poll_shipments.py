from django.core.management.base import BaseCommand

from skhcn.delivery import services


class Command(BaseCommand):
    help = "Cập nhật hành trình các bưu gửi đang vận chuyển từ đơn vị bưu chính (hiện có: bưu chính thử nghiệm)."

    def add_arguments(self, parser):
        parser.add_argument("--carrier", default=None, help="Chỉ một đơn vị bưu chính (ví dụ sandbox).")

    def handle(self, *args, carrier=None, **options):
        applied = services.poll(carrier)
        self.stdout.write(f"Đã cập nhật {applied} bước hành trình.")
