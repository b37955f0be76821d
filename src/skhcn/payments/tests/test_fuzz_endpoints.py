"""Property-based (hypothesis): arbitrary query strings, form bodies, JSON bodies and methods sent to every payment
endpoint never get a 5xx. Machine endpoints answer the protocol's JSON, pages a 4xx with a Vietnamese message, and a
request without a valid signature changes nothing in the database.

Inputs mix raw bytes (invalid UTF-8, stray ``%`` and ``&``), arbitrary Unicode, the protocol's own keys with values
built to hit the parsers (hex-like hashes of every length, non-ASCII digits, over-long numbers, dates), repeated keys,
and correctly signed requests with one thing changed."""

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from skhcn.payments.gateways import sandbox, vnpay
from skhcn.payments.models import Payment

from .conftest import SANDBOX_SECRET
from .helpers import gateway_params
from .robustness_support import (
    FORM,
    IPN,
    RETURN,
    SANDBOX_API,
    SANDBOX_PAGE,
    database_state,
    pay_request,
    signature_still_holds,
    start,
)
from .test_sandbox_api import request as api_request

pytestmark = pytest.mark.django_db

# Modest: every example is a request through the whole stack. Function-scoped fixtures (client, payment) are shared
# by the examples of one test on purpose: a refused request must leave them as they were.
FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

PROTOCOL_KEYS = [
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_BankTranNo",
    "vnp_CardType",
    "vnp_Command",
    "vnp_CreateDate",
    "vnp_ExpireDate",
    "vnp_OrderInfo",
    "vnp_PayDate",
    "vnp_ResponseCode",
    "vnp_ReturnUrl",
    "vnp_SecureHash",
    "vnp_SecureHashType",
    "vnp_TmnCode",
    "vnp_TransactionNo",
    "vnp_TransactionStatus",
    "vnp_TxnRef",
    "vnp_Version",
    "ket_qua",
    "cong",
]
keys = st.one_of(st.sampled_from(PROTOCOL_KEYS), st.text(max_size=20))
values = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="0123456789abcdefABCDEF", max_size=260),  # hex of every length
    st.text(alphabet="0123456789abcdefạđé０１²", min_size=128, max_size=128),  # 128 characters, not all ASCII hex
    st.integers().map(str),
    st.text(alphabet="0123456789²٣５,.-+e ", max_size=30),
    st.text(alphabet="0123456789²³٣５", min_size=1, max_size=20),  # str.isdigit() accepts all, int() not "²"
    st.sampled_from(["9" * 1500, "9" * 5000]),  # int() refuses more than 4300 digits
    st.datetimes().map(lambda moment: moment.strftime("%Y%m%d%H%M%S")),
    st.sampled_from(["", "\x00", "00010101000000", "99991231235959", "javascript:alert(1)", "//evil.example"]),
)
pairs = st.lists(st.tuples(keys, values), max_size=15)
raw = st.binary(max_size=400).map(lambda data: data.decode("latin-1"))  # WSGI strings are latin-1
query_strings = st.one_of(pairs.map(urlencode), raw)
other_methods = st.sampled_from(["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])


@st.composite
def tampered(draw, original_key="vnp_SecureHash"):
    """A change to a signed request, as ``(operation, key, value)``: set a key, drop it, repeat it, or set the hash."""
    operation = draw(st.sampled_from(["set", "drop", "repeat", "hash"]))
    key = original_key if operation == "hash" else draw(keys)
    return operation, key, draw(values)


def apply(params: dict, change) -> list[tuple[str, str]]:
    operation, key, value = change
    items = [(k, v) for k, v in params.items() if not (operation in ("set", "drop", "hash") and k == key)]
    if operation in ("set", "hash", "repeat"):
        items.append((key, value))
    if operation == "repeat" and key in params:
        items.append((key, params[key]))
    return items


def get(client, path, qs):
    return client.get(path, QUERY_STRING=qs)


def post_form(client, path, body: str):
    return client.post(path, data=body.encode("latin-1", "replace"), content_type=FORM)


def assert_ipn_reply(response, *codes):
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"RspCode", "Message"} and answer["Message"] == vnpay.REPLIES[answer["RspCode"]]
    assert answer["RspCode"] in codes, answer


@pytest.fixture
def started(payment):
    start(payment)
    return payment


# --- IPN -----------------------------------------------------------------------------------------------------------
@FUZZ
@given(qs=query_strings, as_post=st.booleans())
def test_ipn_any_parameters(client, started, qs, as_post):
    before = database_state()
    response = post_form(client, IPN, qs) if as_post else get(client, IPN, qs)
    assert_ipn_reply(response, "97", "99")
    assert database_state() == before


@FUZZ
@given(change=tampered(), as_post=st.booleans())
def test_ipn_tampered_signed_notification(client, started, change, as_post):
    original = gateway_params(started)
    items = apply(original, change)
    assume(not signature_still_holds(original, items))
    before = database_state()
    response = post_form(client, IPN, urlencode(items)) if as_post else get(client, IPN, urlencode(items))
    assert_ipn_reply(response, "97", "99")
    assert database_state() == before


@FUZZ
@given(method=other_methods, qs=query_strings)
def test_ipn_other_methods(client, started, method, qs):
    response = client.generic(method, IPN, QUERY_STRING=qs)
    assert response.status_code == 405 and response.json()["RspCode"] == "99"


# --- return page -------------------------------------------------------------------------------------------------
@FUZZ
@given(qs=query_strings | tampered())
def test_return_any_parameters(client, started, qs):
    client.force_login(started.dossier.applicant)
    original = gateway_params(started)
    if isinstance(qs, tuple):  # a tampered signed return
        items = apply(original, qs)
        assume(not signature_still_holds(original, items))
        qs = urlencode(items)
    before = database_state()
    response = get(client, RETURN, qs)
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    assert database_state() == before


# --- sandbox payment page ----------------------------------------------------------------------------------------
@FUZZ
@given(qs=query_strings, as_post=st.booleans())
def test_sandbox_page_any_parameters(client, payment, qs, as_post):
    before = database_state()
    response = post_form(client, SANDBOX_PAGE, qs) if as_post else get(client, SANDBOX_PAGE, qs)
    assert response.status_code == 400
    assert "KHÔNG PHẢI THANH TOÁN THẬT" in response.content.decode()
    assert database_state() == before


@FUZZ
@given(change=tampered(), choice=st.sampled_from([*sandbox.CHOICES, "", "ạ"]), as_post=st.booleans())
def test_sandbox_page_tampered_pay_request(client, payment, change, choice, as_post):
    original = pay_request(payment)
    items = apply(original, change)
    assume(not signature_still_holds(original, items))
    before = database_state()
    if as_post:
        response = post_form(client, SANDBOX_PAGE, urlencode([*items, ("ket_qua", choice)]))
    else:
        response = get(client, SANDBOX_PAGE, urlencode(items))
    assert response.status_code == 400 and "MÔI TRƯỜNG THỬ NGHIỆM" in response.content.decode()
    assert database_state() == before


@FUZZ
@given(method=other_methods)
def test_sandbox_page_other_methods(client, db, method):
    response = client.generic(method, SANDBOX_PAGE)
    assert response.status_code == 405 and "chỉ nhận yêu cầu" in response.content.decode()


# --- sandbox merchant API (JSON) ----------------------------------------------------------------------------------
json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    values,
    st.sampled_from(["\ud800", "a\udfffb"]),  # lone surrogates: json.dumps escapes them, json.loads gives them back
)
json_values = st.recursive(
    json_leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4)
)
api_keys = st.one_of(st.sampled_from([*vnpay.REFUND_REQUEST_FIELDS, "vnp_SecureHash"]), st.text(max_size=20))
api_bodies = st.one_of(
    st.dictionaries(api_keys, json_values, max_size=15).map(json.dumps),
    json_values.map(json.dumps),
    st.binary(max_size=400),
    st.integers(1, 5000).map(lambda depth: "[" * depth),  # deeper than the JSON parser recurses, or not
)


def assert_api_answer(response, *codes):
    assert response.status_code == 200
    answer = response.json()
    assert answer["vnp_ResponseCode"] in codes, answer
    assert answer["vnp_Message"] == sandbox.API_MESSAGES[answer["vnp_ResponseCode"]]
    fields = vnpay.RESPONSE_FIELDS.get(answer["vnp_Command"], vnpay.REFUND_RESPONSE_FIELDS)
    assert vnpay.api_verify(answer, fields, SANDBOX_SECRET)  # signed, whatever was asked


@FUZZ
@given(body=api_bodies)
def test_api_any_body(client, db, body):
    before = database_state()
    response = client.post(SANDBOX_API, data=body, content_type="application/json")
    assert_api_answer(response, "02", "03", "97")
    assert database_state() == before


@FUZZ
@given(command=st.sampled_from(["querydr", "refund"]), key=st.just("vnp_SecureHash") | api_keys, value=json_values)
def test_api_tampered_signed_request(client, db, command, key, value):
    original = api_request(command)
    body = {**original, key: value}
    # Signed as text: 50000000 and "50000000" are the same field, a nested value is "".
    signed_fields = (*vnpay.REQUEST_FIELDS[command], "vnp_SecureHash")
    assume(any(vnpay.as_text(body.get(name)) != vnpay.as_text(original.get(name)) for name in signed_fields))
    before = database_state()
    response = client.post(SANDBOX_API, data=json.dumps(body), content_type="application/json")
    assert_api_answer(response, "02", "03", "97")
    assert database_state() == before


# --- the applicant's pages ---------------------------------------------------------------------------------------
@FUZZ
@given(qs=query_strings, method=st.sampled_from(["GET", "POST", "HEAD"]))
def test_receipt_of_an_unpaid_fee_any_parameters(client, payment, qs, method):
    client.force_login(payment.dossier.applicant)
    response = client.generic(method, f"/thanh-toan/{payment.pk}/bien-lai.pdf", QUERY_STRING=qs)
    assert response.status_code == 404


@FUZZ
@given(body=query_strings)
def test_pay_button_any_form(client, payment, body):
    client.force_login(payment.dossier.applicant)
    response = post_form(client, f"/thanh-toan/{payment.pk}/thanh-toan/", body)
    # Whatever "cong" says, the payer is sent to an enabled gateway (the sandbox here) and nothing is paid.
    assert response.status_code == 302 and response["Location"].startswith(SANDBOX_PAGE)
    assert Payment.objects.get(pk=payment.pk).status == payment.status


# --- staff -------------------------------------------------------------------------------------------------------
@settings(FUZZ, max_examples=15)
@given(qs=query_strings)
def test_staff_payment_list_any_parameters(client, world, payment, qs):
    client.force_login(world.one_stop)
    response = get(client, "/admin/thanh-toan/", qs)
    assert response.status_code == 200


STAFF_ACTIONS = ["hoan-tien", "tra-soat", "xac-nhan-hoan-tien", "khong-hoan-tien"]
STAFF_FIELDS = ["so_tien_hoan", "ly_do", "ket_qua", "so_tien", "so_luong", "don_gia", "noi_dung"]
staff_forms = st.one_of(
    # Every field of the staff forms, each with an awkward value, and a few more keys.
    st.tuples(
        st.fixed_dictionaries(
            {name: values for name in STAFF_FIELDS},
            optional={"cach_tinh": st.sampled_from(["tong", "don-gia", "ạ"])},
        ),
        st.lists(st.tuples(keys, values), max_size=4),
    ).map(lambda form: urlencode([*form[0].items(), *form[1]])),
    raw,
)


@settings(FUZZ, max_examples=20)
@given(action=st.sampled_from(STAFF_ACTIONS), body=staff_forms)
def test_staff_actions_any_form(client, world, started, action, body):
    """A pending payment: no refund, confirmation or review applies to it, whatever the form says."""
    client.force_login(world.one_stop)
    response = post_form(client, f"/admin/thanh-toan/{started.pk}/{action}/", body)
    assert response.status_code == 302
    payment = Payment.objects.get(pk=started.pk)
    assert (payment.status, payment.refunded_amount, payment.note) == (started.status, 0, started.note)


@settings(FUZZ, max_examples=15)
@given(body=staff_forms)
def test_staff_fee_request_any_form(client, world, payment, body):
    """The dossier already has a pending fee: no second one, whatever the form says."""
    client.force_login(world.one_stop)
    response = post_form(client, f"/admin/thanh-toan/ho-so/{payment.dossier_id}/yeu-cau-nop-phi/", body)
    assert response.status_code == 302
    assert Payment.objects.filter(dossier_id=payment.dossier_id).count() == 1


@FUZZ
@given(qs=query_strings)
def test_staff_receipt_of_an_unpaid_fee_any_parameters(client, world, payment, qs):
    client.force_login(world.one_stop)
    assert get(client, f"/admin/thanh-toan/{payment.pk}/bien-lai.pdf", qs).status_code == 404
