"""The cases an operator met and their neighbours: a non-ASCII, short, over-long or tampered ``vnp_SecureHash`` (GET
and POST; IPN, return, sandbox page, sandbox API), unreadable or repeated parameters, wrong methods. Machine endpoints
answer the protocol's JSON, pages a Vietnamese message with a 4xx status; nothing changes in the database and each
refusal is one warning in the log, with the value escaped and cut, never the secret."""

import json
from urllib.parse import urlencode

import pytest

from skhcn.payments import refusals
from skhcn.payments.gateways import vnpay
from skhcn.payments.models import Payment, PaymentStatus, SandboxTransaction
from skhcn.payments.staff_views import parse_int

from .conftest import SANDBOX_SECRET
from .helpers import gateway_params
from .robustness_support import FORM, IPN, RETURN, SANDBOX_API, SANDBOX_PAGE, database_state, pay_request, start
from .test_sandbox_api import request as api_request

pytestmark = pytest.mark.django_db

NON_ASCII_HASHES = {
    "vietnamese-128": "ạ" * 128,
    "accented": "é",
    "fullwidth-digits-128": "０" * 128,  # str.isdigit() says yes
    "hex-then-accent": "a" * 127 + "đ",
}
WRONG_HASHES = {
    **NON_ASCII_HASHES,
    "two-chars": "ab",
    "hex-127": "a" * 127,
    "hex-130": "0" * 130,
    "not-hex-128": "g" * 128,
    "empty": "",
}
FAIL_CHECKSUM = {"RspCode": "97", "Message": "Fail checksum"}
UNKNOWN_ERROR = {"RspCode": "99", "Message": "Unknown error"}


def refusals_logged(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == refusals.logger.name]


def send(client, method, path, params, **extra):
    if method == "get":
        return client.get(path, params, **extra)
    return client.post(path, params, **extra)


# --- IPN ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["get", "post"])
def test_ipn_with_a_malformed_hash_fails_the_checksum_and_changes_nothing(client, payment, caplog, method):
    start(payment)
    before = database_state()
    for value in WRONG_HASHES.values():
        caplog.clear()
        response = send(client, method, IPN, {**gateway_params(payment), "vnp_SecureHash": value})
        assert response.status_code == 200 and response.json() == FAIL_CHECKSUM, value
        [line] = refusals_logged(caplog)
        assert "IPN sandbox" in line and "127.0.0.1" in line and "signature" in line
        assert ascii(value[: refusals.SHOWN_CHARS]) in line  # escaped: a log line is printable ASCII
        assert line.isascii()
    assert database_state() == before
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize("method", ["get", "post"])
def test_correct_signature_with_a_tampered_amount_fails_the_checksum(client, payment, method):
    start(payment)
    params = {**gateway_params(payment), "vnp_Amount": "100"}
    before = database_state()
    assert send(client, method, IPN, params).json() == FAIL_CHECKSUM
    assert database_state() == before


def test_uppercase_hex_is_still_a_valid_signature(client, payment):
    start(payment)
    params = gateway_params(payment)
    params["vnp_SecureHash"] = params["vnp_SecureHash"].upper()
    assert client.get(IPN, params).json()["RspCode"] == "00"


@pytest.mark.parametrize(
    "query",
    [
        "vnp_TxnRef=1&vnp_TxnRef=2",  # which one was signed?
        "vnp_OrderInfo=" + "x" * (refusals.MAX_VALUE_CHARS + 1),
        "&".join(f"k{i}=1" for i in range(1200)),  # more fields than Django reads
    ],
    ids=["repeated-key", "value-too-long", "too-many-fields"],
)
def test_ipn_with_unreadable_parameters_answers_99(client, payment, caplog, query):
    start(payment)
    before = database_state()
    response = client.get(f"{IPN}?{query}")
    assert response.status_code == 200 and response.json() == UNKNOWN_ERROR
    assert database_state() == before
    assert len(refusals_logged(caplog)) == 1


def test_bodies_larger_than_django_reads_are_refused_in_the_protocol(client, payment, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django's refusal, as at the real limit, without sending 10 MB
    start(payment)
    body = "vnp_OrderInfo=" + "x" * 2048
    before = database_state()
    assert client.post(IPN, data=body, content_type=FORM).json() == UNKNOWN_ERROR
    response = client.post(SANDBOX_PAGE, data=body, content_type=FORM)
    assert response.status_code == 400 and "Tham số không hợp lệ." in response.content.decode()
    assert api_post(client, json.dumps({"vnp_OrderInfo": "x" * 2048})) == "03"
    assert database_state() == before
    assert len(refusals_logged(caplog)) == 3


def test_ipn_with_a_huge_or_unicode_amount_is_not_a_crash(client, payment):
    start(payment)
    for amount in ["9" * 1500, "²", "５００００"]:
        assert client.get(IPN, {**gateway_params(payment), "vnp_Amount": amount}).json() == FAIL_CHECKSUM


def test_signed_notification_with_a_malformed_amount_is_an_invalid_amount(client, payment):
    """Signed by the gateway yet not a whole number of đồng in ASCII digits: reply 04, nothing paid."""
    start(payment)
    for amount in ["50000001", "²", "-50000000"]:
        params = gateway_params(payment)
        params["vnp_Amount"] = amount
        params["vnp_SecureHash"] = vnpay.sign(params, SANDBOX_SECRET)
        assert client.get(IPN, params).json()["RspCode"] == "04"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_ipn_with_another_method_answers_json_405(client, payment, method):
    response = getattr(client, method)(IPN)
    assert response.status_code == 405 and response.json() == UNKNOWN_ERROR
    assert response["Allow"] == "GET, POST"


def test_ipn_of_a_gateway_not_enabled_answers_json_404(client, db):
    response = client.get("/thanh-toan/ipn/vnpay/", {"vnp_SecureHash": "ạ"})
    assert response.status_code == 404 and response.json() == UNKNOWN_ERROR


def test_the_log_line_has_the_client_address_and_never_the_secret(client, payment, caplog):
    start(payment)
    client.get(IPN, {**gateway_params(payment), "vnp_SecureHash": "\x1b[31m" + "ạ" * 300}, REMOTE_ADDR="203.0.113.7")
    [line] = refusals_logged(caplog)
    assert "from 203.0.113.7" in line and "\x1b" not in line and "\\x1b[31m" in line
    assert "(305 chars)" in line and len(line) < 700
    assert SANDBOX_SECRET not in line


# --- return page (display only, for the signed-in applicant) ----------------------------------------------------
@pytest.mark.parametrize("method", ["get", "post"])
def test_return_with_a_malformed_hash_is_shown_as_invalid(client, payment, caplog, method):
    start(payment)
    client.force_login(payment.dossier.applicant)
    before = database_state()
    for value in WRONG_HASHES.values():
        caplog.clear()
        params = {**gateway_params(payment), "vnp_SecureHash": value}
        # The return is read from the query string; a POST (with the same values in its body too) is no different.
        query = {"QUERY_STRING": urlencode(params)} if method == "post" else {}
        response = send(client, method, RETURN, params, **query)
        assert response.status_code == 400, value
        page = response.content.decode()
        assert 'data-return="invalid"' in page and "không hợp lệ" in page
        assert len(refusals_logged(caplog)) == 1
    assert database_state() == before


def test_return_with_a_tampered_amount_or_repeated_key_is_invalid(client, payment, caplog):
    start(payment)
    client.force_login(payment.dossier.applicant)
    before = database_state()
    assert client.get(RETURN, {**gateway_params(payment), "vnp_Amount": "100"}).status_code == 400
    params = gateway_params(payment)
    repeated = "&".join(f"{k}={v}" for k, v in params.items()) + "&vnp_Amount=100"
    assert client.get(f"{RETURN}?{repeated}").status_code == 400
    assert database_state() == before
    assert len(refusals_logged(caplog)) == 2


# --- sandbox payment page --------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["get", "post"])
def test_sandbox_page_with_a_malformed_hash_says_so(client, payment, caplog, method):
    before = database_state()
    for value in WRONG_HASHES.values():
        caplog.clear()
        params = {**pay_request(payment), "vnp_SecureHash": value, "ket_qua": "thanh-toan"}
        response = send(client, method, SANDBOX_PAGE, params)
        assert response.status_code == 400, value
        page = response.content.decode()
        assert "Sai chữ ký (checksum)." in page and "KHÔNG PHẢI THANH TOÁN THẬT" in page
        assert len(refusals_logged(caplog)) == 1
    assert database_state() == before and not SandboxTransaction.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_sandbox_page_with_a_tampered_amount_says_so(client, payment, method):
    params = {**pay_request(payment), "vnp_Amount": "100", "ket_qua": "thanh-toan"}
    response = send(client, method, SANDBOX_PAGE, params)
    assert response.status_code == 400 and "Sai chữ ký" in response.content.decode()
    assert not SandboxTransaction.objects.exists()


def test_sandbox_page_refuses_a_repeated_key_an_unknown_choice_and_other_methods(client, payment):
    params = pay_request(payment)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"{SANDBOX_PAGE}?{query}&vnp_TxnRef=1")
    assert response.status_code == 400 and "Tham số không hợp lệ." in response.content.decode()
    response = client.post(SANDBOX_PAGE, {**params, "ket_qua": "ạ"})
    assert response.status_code == 400 and "Lựa chọn không hợp lệ." in response.content.decode()
    response = client.put(SANDBOX_PAGE)
    assert response.status_code == 405 and "chỉ nhận yêu cầu GET hoặc POST" in response.content.decode()
    assert not SandboxTransaction.objects.exists()


# --- sandbox merchant API (JSON) ----------------------------------------------------------------------------------
def api_post(client, body: str | bytes):
    response = client.post(SANDBOX_API, data=body, content_type="application/json")
    assert response.status_code == 200
    answer = response.json()
    fields = vnpay.RESPONSE_FIELDS.get(answer["vnp_Command"], vnpay.REFUND_RESPONSE_FIELDS)
    assert vnpay.api_verify(answer, fields, SANDBOX_SECRET)
    return answer["vnp_ResponseCode"]


def test_api_with_a_malformed_hash_answers_97(client, db):
    for value in WRONG_HASHES.values():
        assert api_post(client, json.dumps({**api_request(), "vnp_SecureHash": value})) == "97", value


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("[" * 100_000, "03"),  # deeper than the JSON parser recurses
        ('{"vnp_Command": "querydr", "vnp_TmnCode": "SKHCNSBX", "vnp_TxnRef": "\\ud800"}', "97"),  # lone surrogate
        ('{"vnp_Command": "\\udfff", "vnp_TmnCode": "SKHCNSBX"}', "03"),
        (b"\xff\xfe{", "03"),
        ("1" * 5000, "03"),  # Python refuses int() of more than 4300 digits
        ('{"vnp_Command": ["querydr"]}', "03"),
        (json.dumps({"x": "y" * 70_000}), "03"),  # larger than the API reads
    ],
    ids=["deep", "surrogate-echoed", "surrogate-command", "not-utf8", "huge-int", "list-command", "too-large"],
)
def test_api_with_malformed_json_answers_a_signed_refusal(client, db, caplog, body, code):
    assert api_post(client, body) == code
    assert len(refusals_logged(caplog)) == 1


def test_api_refuses_a_signed_request_with_a_nested_value(client, db):
    body = api_request()
    body["vnp_OrderInfo"] = {"a": 1}  # signed as "" would be: refused all the same
    body["vnp_SecureHash"] = vnpay.api_checksum(body, vnpay.QUERY_REQUEST_FIELDS, SANDBOX_SECRET)
    assert api_post(client, json.dumps(body)) == "03"


def test_api_with_another_method_answers_json_405(client, db):
    response = client.get(SANDBOX_API)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.json()["vnp_ResponseCode"] == "03"


def test_api_of_a_disabled_sandbox_answers_json_404(client, db, settings):
    settings.PAYMENT_GATEWAYS = []
    response = client.post(SANDBOX_API, data="{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["vnp_ResponseCode"] == "99"


# --- the applicant's pay button and the staff forms -------------------------------------------------------------
def test_pay_with_get_says_how_to_pay(client, payment):
    client.force_login(payment.dossier.applicant)
    response = client.get(f"/thanh-toan/{payment.pk}/thanh-toan/")
    assert response.status_code == 405 and "nút “Thanh toán”" in response.content.decode()


@pytest.mark.parametrize("typed", ["²", "9" * 5000, "1e6", "-5", "５００"])
def test_staff_amounts_that_are_no_number_are_refused(client, world, awaiting, typed):
    assert parse_int(typed) is None
    client.force_login(world.one_stop)
    url = f"/admin/thanh-toan/ho-so/{awaiting.pk}/yeu-cau-nop-phi/"
    response = client.post(url, {"cach_tinh": "tong", "so_tien": typed}, follow=True)
    assert "Số tiền không hợp lệ" in response.content.decode()
    response = client.post(url, {"cach_tinh": "don-gia", "so_luong": typed, "don_gia": typed}, follow=True)
    assert "Vui lòng nhập số lượng và đơn giá" in response.content.decode()
    assert not Payment.objects.filter(dossier=awaiting).exists()


def test_staff_amounts_parse_as_typed():
    assert parse_int("1.500.000") == 1_500_000 and parse_int("1 500 000đ") == 1_500_000
    assert parse_int("9" * 18) == 10**18 - 1 and parse_int("9" * 19) is None


def test_staff_text_with_nul_is_refused(client, world, awaiting):
    """PostgreSQL cannot store NUL in text: a clear message instead of a database error."""
    client.force_login(world.one_stop)
    url = f"/admin/thanh-toan/ho-so/{awaiting.pk}/yeu-cau-nop-phi/"
    response = client.post(url, {"cach_tinh": "tong", "so_tien": "1000", "noi_dung": "Lệ phí\x00"}, follow=True)
    assert "ký tự không hợp lệ" in response.content.decode() and not Payment.objects.filter(dossier=awaiting).exists()


# --- the parsers themselves -------------------------------------------------------------------------------------
def test_hash_problems_are_told_apart():
    params = {"vnp_Amount": "100", "vnp_SecureHash": ""}
    assert vnpay.signature_problem(params, "s") == vnpay.MISSING
    for value in WRONG_HASHES.values():
        if value:
            assert vnpay.signature_problem({**params, "vnp_SecureHash": value}, "s") == vnpay.MALFORMED
    good = vnpay.sign(params, "s")
    assert vnpay.signature_problem({**params, "vnp_SecureHash": good}, "s") == ""
    assert vnpay.signature_problem({**params, "vnp_SecureHash": good}, "") == vnpay.NO_SECRET
    assert vnpay.signature_problem({**params, "vnp_SecureHash": good}, "t") == vnpay.MISMATCH
    assert vnpay.api_signature_problem({"vnp_SecureHash": ["a"]}, (), "s") == vnpay.MALFORMED
    unencodable = {"vnp_OrderInfo": "\ud800", "vnp_SecureHash": "0" * 128}
    assert vnpay.api_signature_problem(unencodable, ("vnp_OrderInfo",), "s") == vnpay.UNENCODABLE


def test_amounts_and_dates_parse_only_ascii_digits():
    assert vnpay.vnd_amount("50000000") == 500000 and vnpay.vnd_amount(50000000) == 500000
    for bad in ["²", "５００００", "9" * 16, "9" * 5000, "-100", "1e4", "", None, [100], "50000001"]:
        assert vnpay.vnd_amount(bad) is None
    assert vnpay.parse_date("20240521091806").hour == 9
    for bad in ["00010101000000", "２０２４０５２１０９１８０６", "20241301000000", "2024052109180", None, "x" * 14]:
        assert vnpay.parse_date(bad) is None
    assert vnpay.as_text(None) == "" and vnpay.as_text([1]) == "" and vnpay.as_text(12) == "12"


def test_shown_values_are_escaped_and_cut():
    assert refusals.shown("ạ") == "'\\u1ea1'"
    assert refusals.shown("x" * 100) == ascii("x" * refusals.SHOWN_CHARS) + "... (100 chars)"
    assert refusals.shown(["a"]) == "<list>" and refusals.shown(None) == "<NoneType>"
