"""Number the papers issued before papers were records: each received dossier gets its register row (form 01) and
each request, refusal at intake and apology its number, in the order they happened, per kind and Vietnam-time year.
Their content stays empty: they print from the dossier and its history, with the appointment first given."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SUFFIXES = {"receipt": "TNHS", "completion_request": "PYCBS", "refusal": "PTCTN", "apology": "PXL"}
EVENT_KINDS = {
    "request_completion": "completion_request",
    "request_supplement": "completion_request",
    "refuse_intake": "refusal",
    "apologize": "apology",
}


def number_papers(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    IssuedPaper = apps.get_model("dossiers", "IssuedPaper")
    PaperSerial = apps.get_model("dossiers", "PaperSerial")
    agency = settings.AGENCY_CODE
    counters: dict[tuple[str, int], int] = {}

    def number(kind, serial, year):
        return settings.DOSSIER_PAPER_NUMBER_FORMAT.format(
            serial=serial, suffix=SUFFIXES[kind], agency=settings.AGENCY_ABBREVIATION, year=year
        )

    def next_serial(kind, moment):
        year = moment.astimezone(VIETNAM).year
        counters[(kind, year)] = counters.get((kind, year), 0) + 1
        return year, counters[(kind, year)]

    received = Dossier.objects.exclude(received_at=None).order_by("received_at", "id")
    for dossier in received.iterator():
        year, serial = next_serial("receipt", dossier.received_at)
        Dossier.objects.filter(pk=dossier.pk).update(register_serial=serial)
        event = (
            DossierEvent.objects.filter(dossier_id=dossier.pk, action="receive").order_by("at", "id").first()
        )
        IssuedPaper.objects.create(
            dossier_id=dossier.pk,
            event=event,
            kind="receipt",
            form_set=dossier.form_set,
            agency_code=agency,
            year=year,
            serial=serial,
            number=number("receipt", serial, year),
            issued_at=dossier.received_at,
        )
    events = DossierEvent.objects.filter(action__in=EVENT_KINDS).order_by("at", "id")
    for event in events.iterator():
        kind = EVENT_KINDS[event.action]
        year, serial = next_serial(kind, event.at)
        IssuedPaper.objects.create(
            dossier_id=event.dossier_id,
            event=event,
            kind=kind,
            form_set=Dossier.objects.filter(pk=event.dossier_id).values_list("form_set", flat=True).first() or "",
            agency_code=agency,
            year=year,
            serial=serial,
            number=number(kind, serial, year),
            issued_at=event.at,
        )
    for (kind, year), last in counters.items():
        PaperSerial.objects.create(agency_code=agency, kind=kind, year=year, last_value=last)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0007_issued_papers")]

    operations = [migrations.RunPython(number_papers, migrations.RunPython.noop)]
