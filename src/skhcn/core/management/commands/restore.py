import signal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skhcn.core.backup.errors import BackupError
from skhcn.core.backup.services import check_backup, restore_backup


def _interrupted(signum, frame):
    raise KeyboardInterrupt  # unwinds through the restore, which undoes what it wrote


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu (tệp .tar của lệnh backup) vào cơ sở dữ liệu và thư mục dữ liệu còn trống, "
        "kiểm tra mọi mã SHA-256 trước và sau khi ghi."
    )
    # Nothing may touch the (empty) target database before the restore has checked it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Tệp sao lưu skhcn-YYYYmmdd-HHMMSS.tar")
        parser.add_argument(
            "--check", action="store_true", help="Chỉ kiểm tra tệp sao lưu (mọi mã SHA-256), không ghi gì."
        )

    def handle(self, *args, file, check=False, verbosity=1, **options):
        log = self.stdout.write if verbosity > 0 else (lambda message: None)
        try:
            if check:
                manifest = check_backup(file)
                log(
                    f"Tệp sao lưu nguyên vẹn: tạo lúc {manifest['created_at']}, cơ sở dữ liệu "
                    f"{manifest['database']['vendor']}, {len(manifest['files'])} tệp; mọi mã SHA-256 đều khớp."
                )
                return
            previous = signal.signal(signal.SIGTERM, _interrupted)
            try:
                restore_backup(file, log=log)
            finally:
                signal.signal(signal.SIGTERM, previous)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        log(
            "Bước tiếp theo: chạy `make run` (hoặc `manage.py migrate`) để cập nhật cơ sở dữ liệu theo mã nguồn "
            "hiện tại."
        )
