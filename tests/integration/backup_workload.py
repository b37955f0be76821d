"""Applicants submitting dossiers with files, from several threads, until told to stop (a real process).

Usage: python backup_workload.py PROGRESS_FILE STOP_FILE THREADS

Each thread repeats: start a draft, attach the two mandatory files, attach an extra file and remove it again (the
stored file is deleted after the commit, as in the browser), choose online return, submit. After each submission
has committed it appends ``{"dossier": id, "at": time}`` to PROGRESS_FILE. The data folder and database are those of
the environment (SKHCN_DATA_DIR, DATABASE_URL).
"""

import json
import os
import sys
import threading
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skhcn.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 - after django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from skhcn.accounts.models import ApplicantProfile  # noqa: E402
from skhcn.dossiers.constants import ReceiveMethod  # noqa: E402
from skhcn.dossiers.intake import services  # noqa: E402
from skhcn.procedures.models import Procedure, ProcedureField, RequiredDocument  # noqa: E402
from skhcn.testing.http_client import pdf_file  # noqa: E402


def pdf(size: int) -> bytes:
    """A real PDF of ``size`` bytes with unique content (the upload checks parse PDFs)."""
    return pdf_file(size)


def setup(threads: int):
    with transaction.atomic():
        field, _ = ProcedureField.objects.get_or_create(code="sao-luu", defaults={"name": "Thử sao lưu"})
        procedure = Procedure.objects.create(
            code=f"SAOLUU.{os.getpid()}",
            name="Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ (thử sao lưu)",
            field=field,
            online_level="full",
            processing_time=15,
            time_unit="working",
            allowed_file_types="pdf",
        )
        documents = [
            RequiredDocument.objects.create(procedure=procedure, name=name, mandatory=True, sort_order=index)
            for index, name in enumerate(["Đơn đề nghị", "Điều lệ tổ chức và hoạt động"])
        ]
        users = []
        for index in range(threads):
            email = f"sao-luu-{os.getpid()}-{index}@example.vn"
            user = get_user_model().objects.create_user(username=email, email=email, password=None)
            ApplicantProfile.objects.create(
                user=user,
                full_name=f"Nguyễn Văn Sao Lưu {index}",
                phone=f"09{index:08d}",
                id_number=f"0010{index:08d}",
                address="Số 1 đường Trần Phú, tỉnh Cao Bằng",
                email_verified_at=timezone.now(),
            )
            users.append(user)
    return procedure, documents, users


def applicant(user, procedure, documents, progress, lock, stop: Path, errors: list) -> None:
    try:
        while not stop.exists():
            dossier = services.start_draft(user, procedure)
            for number, document in enumerate(documents):
                upload = SimpleUploadedFile(f"tai-lieu-{number}.pdf", pdf(40_000 + number * 7_000), "application/pdf")
                services.attach_file(dossier, document, upload, actor=user)
            extra = services.attach_file(dossier, None, SimpleUploadedFile("nham.pdf", pdf(30_000)), actor=user)
            services.remove_file(dossier, extra.pk, actor=user)
            services.update_details(
                dossier, receive_method=ReceiveMethod.ONLINE, postal_address="", note="", actor=user
            )
            services.submit_dossier(dossier, user)
            with lock:
                progress.write(json.dumps({"dossier": dossier.pk, "at": time.time()}) + "\n")
                progress.flush()
    except Exception as exc:  # reported by the test
        errors.append(repr(exc))
    finally:
        connections.close_all()


def main() -> int:
    progress_path, stop_path, threads = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    procedure, documents, users = setup(threads)
    connections.close_all()
    lock = threading.Lock()
    errors: list[str] = []
    with open(progress_path, "a") as progress:
        workers = [
            threading.Thread(target=applicant, args=(user, procedure, documents, progress, lock, stop_path, errors))
            for user in users
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
