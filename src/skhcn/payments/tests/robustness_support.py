"""Shared by the robustness tests: the endpoints, a fingerprint of everything a refused request must not change, and
signed requests to tamper with."""

from django.utils import timezone

from skhcn.dossiers.models import Dossier, DossierEvent
from skhcn.payments.gateways import vnpay
from skhcn.payments.models import Payment, PaymentEvent, SandboxTransaction

from .conftest import SANDBOX_SECRET

IPN = "/thanh-toan/ipn/sandbox/"
RETURN = "/thanh-toan/ket-qua/sandbox/"
SANDBOX_PAGE = "/thanh-toan/sandbox/thanh-toan/"
SANDBOX_API = "/thanh-toan/sandbox/api/transaction/"
FORM = "application/x-www-form-urlencoded"
UNSIGNED = {"vnp_SecureHash", "vnp_SecureHashType"}


def database_state() -> tuple:
    """What a refused request must leave as it was: payments, their log, the sandbox bank's records, dossiers."""
    return (
        list(
            Payment.objects.order_by("pk").values_list(
                "pk", "status", "updated_at", "started_at", "paid_at", "refunded_amount", "refund_needed"
            )
        ),
        PaymentEvent.objects.count(),
        list(SandboxTransaction.objects.order_by("pk").values_list("pk", "refunded_amount", "response_code")),
        list(Dossier.objects.order_by("pk").values_list("pk", "status", "version")),
        DossierEvent.objects.count(),
    )


def start(payment) -> None:
    """The applicant pressed "Thanh toán" in the sandbox: the payment waits for the sandbox's notification."""
    payment.gateway = "sandbox"
    payment.started_at = timezone.now()
    payment.save()


def pay_request(payment) -> dict:
    """The signed request the site sends the payer to the sandbox page with."""
    params = vnpay.pay_params(
        payment,
        tmn_code="SKHCNSBX",
        return_url="http://testserver" + RETURN,
        ip="127.0.0.1",
        now=timezone.now(),
    )
    params["vnp_SecureHash"] = vnpay.sign(params, SANDBOX_SECRET)
    return params


def signature_still_holds(original: dict, pairs: list[tuple[str, str]]) -> bool:
    """Whether ``pairs`` (a tampered copy of the signed ``original``) still carry its valid signature: each ``vnp_*``
    key once, the same non-empty signed fields, the same hash (any case). Worked out here independently of
    ``vnpay.verify``."""
    keys = [key for key, _value in pairs if key.startswith("vnp_")]
    if len(keys) != len(set(keys)):
        return False
    tampered = dict(pairs)

    def signed(params):
        return {k: v for k, v in params.items() if k.startswith("vnp_") and k not in UNSIGNED and v}

    given = tampered.get("vnp_SecureHash", "")
    return signed(tampered) == signed(original) and given.lower() == original["vnp_SecureHash"].lower()
