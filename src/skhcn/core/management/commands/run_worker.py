import os

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from skhcn.core.worker import ResilientWorker, worker_id_for


class Command(DatabaseWorkerCommand):
    help = (
        "Bộ xử lý tác vụ nền (django-tasks, hàng đợi trong cơ sở dữ liệu). Không dừng khi mất kết nối cơ sở dữ liệu: "
        "thử lại; tác vụ bị gián đoạn do tiến trình trước chết được chạy lại."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id_for(os.getpid()))

    def handle(self, *, verbosity, queue_name, exclude_queues, worker_id, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues chỉ dùng được cùng --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
        )
        worker.configure_signals()
        worker.run()
