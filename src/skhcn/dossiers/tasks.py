import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task

from .models import Dossier
from .receipt import local_date, local_datetime, receipt_filename, render_receipt, tracking_url

logger = logging.getLogger(__name__)


@task()
def send_submission_email(dossier_id: int) -> bool:
    """Tell the applicant the dossier arrived, with the receipt attached. Failures are logged, then re-raised so the
    task backend records them; the dossier itself was committed before this runs."""
    try:
        dossier = Dossier.objects.select_related("procedure").get(pk=dossier_id)
        if not dossier.applicant_email:
            return False
        context = {
            "dossier": dossier,
            "procedure": dossier.procedure,
            "submitted": local_datetime(dossier.submitted_at),
            "expected": local_date(dossier.expected_return_at),
            "tracking_url": tracking_url(dossier.code),
            "agency_name": settings.AGENCY_NAME,
        }
        message = EmailMultiAlternatives(
            subject=f"Đã nhận hồ sơ trực tuyến {dossier.code}",
            body=render_to_string("dossiers/email/submitted.txt", context),
            to=[dossier.applicant_email],
        )
        message.attach_alternative(render_to_string("dossiers/email/submitted.html", context), "text/html")
        message.attach(receipt_filename(dossier), render_receipt(dossier), "application/pdf")
        message.send()
    except Exception:
        logger.exception("Submission e-mail of dossier %s failed", dossier_id)
        raise
    return True
