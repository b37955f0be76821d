"""Staff screens (work queues, dossier page, actions) — views stay thin: see ``queues`` and ``staff_forms``."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


queue = bulk_assign = detail = dossier_file = event_file = action = _todo
