"""The ONE contract of an SMS plugin: ``send(phone, text) -> str`` (the provider's message id).

``phone`` is already a valid Vietnamese mobile number in the form ``0912345678``. A plugin raises ``SmsError``:
``permanent=True`` when retrying cannot help (number refused, text rejected), ``False`` for outages and timeouts
(the message is retried later). Plugins never block for long: use a timeout of a few seconds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class SmsError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class SmsProvider(ABC):
    name: str = ""
    label: str = ""
    sandbox: bool = False

    @abstractmethod
    def send(self, phone: str, text: str) -> str:
        """Send ``text`` to ``phone``; return the provider's message id."""
