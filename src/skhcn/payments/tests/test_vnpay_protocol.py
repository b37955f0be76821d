"""The VNPay 2.1.0 signature and pay URL (one-stop.md, public test vectors)."""

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from django.test import RequestFactory

from skhcn.deadlines.calendar import TZ
from skhcn.payments.gateways import vnpay

VECTOR = {
    "vnp_Amount": "1000000",
    "vnp_BankCode": "NCB",
    "vnp_BankTranNo": "VNP14422574",
    "vnp_CardType": "ATM",
    "vnp_OrderInfo": "Thanh toan don hang 2024-05-21T02:17:31.249Z",
    "vnp_PayDate": "20240521091806",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "TEST_TMN_CODE",
    "vnp_TransactionNo": "14422574",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": "1716257871703",
}
HASH_00 = (
    "649982421beb422556a1374713c74e58e716ecbd05007c0c0e1f7effdfaf361d"
    "bf146889ca446139afe11b9954c4d5c486e99e3b86fcfab6957f29eb0be72895"
)
HASH_99 = (
    "503194f6d93b57b357b2d1d09742565e67e86d771352c5dca4fc8d39df3d392c"
    "6b3809add9405f97cfb9631f445e36c80656cfbf47eac67d97fa165865c13e1b"
)


def test_public_test_vector_success():
    assert vnpay.sign(VECTOR, "test_secret") == HASH_00


def test_public_test_vector_response_99():
    assert vnpay.sign({**VECTOR, "vnp_ResponseCode": "99"}, "test_secret") == HASH_99


def test_signature_ignores_hash_fields_empty_values_and_non_vnp_keys():
    noisy = {**VECTOR, "vnp_SecureHash": "x", "vnp_SecureHashType": "HmacSHA512", "vnp_Empty": "", "other": "1"}
    assert vnpay.sign(noisy, "test_secret") == HASH_00


def test_verify_accepts_the_vector_and_rejects_changes():
    assert vnpay.verify({**VECTOR, "vnp_SecureHash": HASH_00.upper()}, "test_secret")
    assert not vnpay.verify({**VECTOR, "vnp_SecureHash": HASH_00, "vnp_Amount": "2000000"}, "test_secret")
    assert not vnpay.verify({**VECTOR, "vnp_SecureHash": HASH_00}, "other_secret")
    assert not vnpay.verify(VECTOR, "test_secret")


def test_parse_outcome_of_the_vector():
    outcome = vnpay.parse_outcome({**VECTOR, "vnp_SecureHash": HASH_00}, "test_secret")
    assert outcome.verified and outcome.success
    assert outcome.amount == 10000
    assert outcome.pay_date == datetime(2024, 5, 21, 9, 18, 6, tzinfo=TZ)
    failed = vnpay.parse_outcome({**VECTOR, "vnp_ResponseCode": "99", "vnp_SecureHash": HASH_99}, "test_secret")
    assert failed.verified and not failed.success


def test_pay_url(payment, settings, clock):
    settings.PAYMENT_GATEWAYS = ["vnpay"]
    settings.VNPAY_TMN_CODE = "TMN12345"
    settings.VNPAY_HASH_SECRET = "merchant-secret"
    settings.VNPAY_PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    settings.WAGTAILADMIN_BASE_URL = "https://skhcn.example.gov.vn/"
    payment.purpose = "Lệ phí cấp Giấy chứng nhận đăng ký hoạt động"
    payment.started_at = clock.set(2026, 3, 2, 9, 30)
    # The return address is BASE_URL's, whatever Host the request came with (a proxy, a forged header).
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_HOST="10.0.0.7:8000")
    url = vnpay.VNPayGateway().start_payment(payment, request)

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == settings.VNPAY_PAY_URL
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    keys = [k for k, _ in pairs]
    assert keys[-1] == "vnp_SecureHash" and keys[:-1] == sorted(keys[:-1])
    params = dict(pairs)
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay"
    assert params["vnp_TmnCode"] == "TMN12345"
    assert params["vnp_Amount"] == "50000000"  # 500.000 đồng × 100
    assert params["vnp_CurrCode"] == "VND" and params["vnp_Locale"] == "vn"
    assert params["vnp_CreateDate"] == "20260302093000"  # GMT+7
    assert params["vnp_ExpireDate"] == "20260302094500"
    assert params["vnp_IpAddr"] == "203.0.113.9"
    assert params["vnp_TxnRef"] == payment.txn_ref
    assert params["vnp_ReturnUrl"] == "https://skhcn.example.gov.vn/thanh-toan/ket-qua/vnpay/"
    info = params["vnp_OrderInfo"]
    assert info.isascii() and "le phi cap giay chung nhan dang ky hoat dong" in info and payment.dossier.code in info
    assert params["vnp_OrderType"] == "other"
    # Values are quote_plus-encoded in the URL and the signature covers exactly that text.
    assert "vnp_OrderInfo=Thanh+toan+le+phi" in parts.query
    assert "vnp_ReturnUrl=https%3A%2F%2Fskhcn.example.gov.vn%2Fthanh-toan%2Fket-qua%2Fvnpay%2F" in parts.query
    assert vnpay.verify(params, "merchant-secret")
