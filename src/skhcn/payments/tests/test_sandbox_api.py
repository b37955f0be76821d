"""The sandbox's merchant web API (``/thanh-toan/sandbox/api/transaction/``): VNPay's querydr / refund JSON protocol,
answered offline from what the sandbox "bank" recorded, every answer signed as VNPay signs it."""

import json

import pytest
from django.utils import timezone

from skhcn.payments.gateways import vnpay
from skhcn.payments.models import SandboxTransaction

from .conftest import SANDBOX_SECRET

URL = "/thanh-toan/sandbox/api/transaction/"


def request(command="querydr", txn_ref="26030200000001", secret=SANDBOX_SECRET, **fields) -> dict:
    body = {
        "vnp_RequestId": "r1",
        "vnp_Version": "2.1.0",
        "vnp_Command": command,
        "vnp_TmnCode": "SKHCNSBX",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": "Truy van",
        "vnp_TransactionDate": "20260302093000",
        "vnp_CreateDate": "20260302100000",
        "vnp_IpAddr": "127.0.0.1",
    }
    if command == "refund":
        body.update(vnp_TransactionType="02", vnp_Amount="50000000", vnp_TransactionNo="0", vnp_CreateBy="motcua")
    body.update(fields)
    body["vnp_SecureHash"] = vnpay.api_checksum(body, vnpay.REQUEST_FIELDS.get(command, ()), secret)
    return body


def post(client, body) -> dict:
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(URL, data=data, content_type="application/json")
    assert response.status_code == 200
    answer = response.json()
    fields = vnpay.RESPONSE_FIELDS.get(answer.get("vnp_Command"), vnpay.REFUND_RESPONSE_FIELDS)
    assert vnpay.api_verify(answer, fields, SANDBOX_SECRET), answer  # every answer is signed
    return answer


@pytest.fixture
def paid(db):
    return SandboxTransaction.objects.create(
        txn_ref="26030200000001",
        amount=500000,
        response_code="00",
        transaction_status="00",
        transaction_no="12345678",
        order_info="Thanh toan le phi",
        pay_date=timezone.now(),
    )


def test_query_answers_the_recorded_transaction(client, paid):
    answer = post(client, request())
    assert answer["vnp_ResponseCode"] == "00" and answer["vnp_Command"] == "querydr"
    assert answer["vnp_TxnRef"] == paid.txn_ref and answer["vnp_Amount"] == "50000000"
    assert answer["vnp_TransactionStatus"] == "00" and answer["vnp_TransactionType"] == "01"
    assert answer["vnp_TransactionNo"] == "12345678" and answer["vnp_OrderInfo"] == "Thanh toan le phi"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (lambda: request(txn_ref="999"), "91"),  # nobody pressed a button for it
        (lambda: request(secret="wrong"), "97"),
        (lambda: {**request(), "vnp_TxnRef": "26030200000002"}, "97"),  # changed after signing
        (lambda: request(vnp_TmnCode="OTHER123"), "02"),
        (lambda: request(vnp_IpAddr=""), "03"),
        (lambda: request(vnp_Version="2.0.0"), "03"),
        (lambda: request(command="pay"), "03"),
        (lambda: "not json", "03"),
        (lambda: "[1, 2]", "03"),
    ],
    ids=["unknown", "bad-secret", "tampered", "merchant", "missing-field", "version", "command", "garbage", "list"],
)
def test_refusals(client, paid, body, code):
    assert post(client, body())["vnp_ResponseCode"] == code


def test_refund_rules(client, paid):
    # A full refund must be the whole amount; a partial one at most what is left.
    assert post(client, request("refund", vnp_Amount="10000000"))["vnp_ResponseCode"] == "93"
    assert post(client, request("refund", vnp_TransactionType="03", vnp_Amount="60000000"))["vnp_ResponseCode"] == "93"
    assert post(client, request("refund", vnp_TransactionType="04"))["vnp_ResponseCode"] == "03"
    assert post(client, request("refund", vnp_Amount="12345"))["vnp_ResponseCode"] == "03"  # not whole đồng

    answer = post(client, request("refund", vnp_TransactionType="03", vnp_Amount="20000000"))
    assert answer["vnp_ResponseCode"] == "00" and answer["vnp_TransactionType"] == "03"
    assert answer["vnp_Amount"] == "20000000" and answer["vnp_TransactionStatus"] == "05"
    paid.refresh_from_db()
    assert paid.refunded_amount == 200000
    assert post(client, request("refund", vnp_TransactionType="03", vnp_Amount="40000000"))["vnp_ResponseCode"] == "93"
    assert post(client, request("refund", vnp_TransactionType="03", vnp_Amount="30000000"))["vnp_ResponseCode"] == "00"
    # Everything refunded: a further request is "already sent".
    assert post(client, request("refund", vnp_TransactionType="03", vnp_Amount="100"))["vnp_ResponseCode"] == "94"
    paid.refresh_from_db()
    assert paid.refunded_amount == 500000


def test_refund_of_a_failed_transaction(client, paid):
    SandboxTransaction.objects.filter(pk=paid.pk).update(response_code="24", transaction_status="02")
    assert post(client, request("refund"))["vnp_ResponseCode"] == "95"
    assert post(client, request("refund", txn_ref="404"))["vnp_ResponseCode"] == "91"


def test_only_post_and_only_while_the_sandbox_is_enabled(client, paid, settings):
    assert client.get(URL).status_code == 405
    settings.PAYMENT_GATEWAYS = []
    response = client.post(URL, data=json.dumps(request()), content_type="application/json")
    assert response.status_code == 404
