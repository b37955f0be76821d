from django.core.management.base import BaseCommand

from skhcn.core.demo import registered


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (cây chuyên mục, bài viết gốc, khối bên phải, tài khoản mẫu). Chạy lại không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Chỉ tạo khi cơ sở dữ liệu chưa có trang nhất.")

    def handle(self, *args, if_empty=False, **options):
        for loader in registered():
            loader.load(self.stdout, if_empty)
