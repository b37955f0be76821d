import time

from django.core.management.base import BaseCommand

from skhcn.search import indexing


class Command(BaseCommand):
    help = "Lập lại chỉ mục tìm kiếm cho mọi bài viết đang xuất bản (theo lô)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=indexing.BATCH_SIZE)

    def handle(self, *args, batch_size, **options):
        started = time.monotonic()
        result = indexing.rebuild(
            batch_size=max(1, batch_size), stdout=self.stdout if options["verbosity"] > 1 else None
        )
        self.stdout.write(
            f"Đã lập chỉ mục {result['indexed']} bài viết, bỏ {result['removed']} mục cũ "
            f"({time.monotonic() - started:.1f} s).\n"
        )
