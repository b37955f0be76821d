"""Transaction references: ``yymmdd`` (Vietnam time) + the payment's id, so unique per day (and for ever)."""

from django.utils import timezone

from skhcn.deadlines.calendar import TZ


def txn_ref_for(payment) -> str:
    return f"{timezone.now().astimezone(TZ):%y%m%d}{payment.pk:08d}"
