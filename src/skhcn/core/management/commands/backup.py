from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from skhcn.core.backup.errors import BackupError
from skhcn.core.backup.services import create_backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và mọi tệp đã tải lên vào MỘT tệp .tar (kèm manifest.json với mã kiểm tra SHA-256). "
        "Chạy được khi hệ thống đang hoạt động."
    )
    # A backup must run even while a system check fails (e.g. a configuration error being fixed).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, help="Thư mục ghi bản sao lưu (mặc định BACKUP_DIR).")
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="Sau khi sao lưu xong, chỉ giữ N bản mới nhất trong thư mục (0: giữ tất cả; mặc định BACKUP_KEEP).",
        )
        parser.add_argument(
            "--allow-missing",
            action="store_true",
            help="Vẫn sao lưu khi có tệp mà cơ sở dữ liệu trỏ tới nhưng đã mất (ghi nhận vào manifest.json).",
        )

    def handle(self, *args, output_dir=None, keep=0, allow_missing=False, verbosity=1, **options):
        if keep < 0:
            raise CommandError("--keep phải là số không âm.")
        log = self.stdout.write if verbosity > 0 else (lambda message: None)
        try:
            result = create_backup(output_dir, allow_missing=allow_missing, keep=keep, log=log)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        if verbosity == 0:
            self.stdout.write(str(result.path))
