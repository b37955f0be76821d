from django.core.management.base import BaseCommand

from skhcn.accounts.demo import ensure_demo_users
from skhcn.portal.demo.loader import load_demo
from skhcn.procedures.demo import load_demo_procedures


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (cây chuyên mục, bài viết gốc, khối bên phải, tài khoản mẫu). Chạy lại không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Chỉ tạo khi cơ sở dữ liệu chưa có trang nhất.")

    def handle(self, *args, if_empty=False, **options):
        from skhcn.portal.models import HomePage

        if if_empty and HomePage.objects.exists():
            self.stdout.write("Đã có dữ liệu, bỏ qua việc tạo dữ liệu mẫu.")
        else:
            load_demo(self.stdout)
        from skhcn.procedures.models import Procedure

        if if_empty and Procedure.objects.exists():
            self.stdout.write("Đã có danh mục thủ tục hành chính, bỏ qua danh mục mẫu.")
        else:
            load_demo_procedures(self.stdout)
        from skhcn.registries.demo import load_demo_registries
        from skhcn.registries.models import IntellectualProperty

        if if_empty and IntellectualProperty.objects.exists():
            self.stdout.write("Đã có dữ liệu KH&CN, bỏ qua dữ liệu KH&CN mẫu.")
        else:
            load_demo_registries(self.stdout)
        for line in ensure_demo_users():
            self.stdout.write(line)
