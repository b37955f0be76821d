"""Signals of the working calendar, for the apps that store dates computed from it (deadlines imports none of them).

``calendar_changed``: sent after the commit that added, changed or deleted a ``CalendarException``, with

* ``dates``: ``frozenset[date]`` of the days whose status changed (an edit that moves an entry names both days);
* ``actor``: the user who made the change (the admin screen, ``services.changing_calendar``), or None.

Each receiver may return a message for that user (Vietnamese, one line) or None; the admin screen shows the
messages. Sent with ``send_robust``: a failing receiver is logged and never undoes or hides the change.
"""

from django.dispatch import Signal

calendar_changed = Signal()
