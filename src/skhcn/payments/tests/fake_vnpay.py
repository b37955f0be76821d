"""A stand-in for VNPay's merchant web API on a real loopback socket, for tests of the VNPay gateway's HTTP client.

It checks each request's checksum with the field order written out here independently of ``gateways.vnpay`` (from
VNPay's documentation), and answers what the test asks: a signed JSON answer, an HTTP error, garbage, or nothing
within the client's timeout, or a broken HTTP answer. It never touches the database (it runs in its own thread).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TMN_CODE = "TMN12345"
SECRET = "merchant-secret"
# VNPay "API querydr, refund": the fields each checksum covers, in order, joined with "|".
QUERY_REQUEST = (
    "vnp_RequestId vnp_Version vnp_Command vnp_TmnCode vnp_TxnRef vnp_TransactionDate vnp_CreateDate vnp_IpAddr "
    "vnp_OrderInfo"
).split()
REFUND_REQUEST = (
    "vnp_RequestId vnp_Version vnp_Command vnp_TmnCode vnp_TransactionType vnp_TxnRef vnp_Amount vnp_TransactionNo "
    "vnp_TransactionDate vnp_CreateBy vnp_CreateDate vnp_IpAddr vnp_OrderInfo"
).split()
REFUND_RESPONSE = (
    "vnp_ResponseId vnp_Command vnp_ResponseCode vnp_Message vnp_TmnCode vnp_TxnRef vnp_Amount vnp_BankCode "
    "vnp_PayDate vnp_TransactionNo vnp_TransactionType vnp_TransactionStatus vnp_OrderInfo"
).split()
QUERY_RESPONSE = [*REFUND_RESPONSE, "vnp_PromotionCode", "vnp_PromotionAmount"]


def checksum(data: dict, fields, secret: str = SECRET) -> str:
    text = "|".join("" if data.get(name) is None else str(data[name]) for name in fields)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def query_answer(body: dict, *, amount: int, status: str = "00", code: str = "00", kind: str = "01", **extra) -> dict:
    """A signed querydr answer for the request ``body`` (``amount`` in đồng)."""
    answer = {
        "vnp_ResponseId": "4f1d2c",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": code,
        "vnp_Message": "QueryDR Success",
        "vnp_TmnCode": TMN_CODE,
        "vnp_TxnRef": body["vnp_TxnRef"],
        "vnp_Amount": str(amount * 100),
        "vnp_OrderInfo": "Thanh toan le phi",
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_PayDate": "20260302091500",
        "vnp_TransactionNo": "14422574",
        "vnp_TransactionType": kind,
        "vnp_TransactionStatus": status,
        **extra,
    }
    answer["vnp_SecureHash"] = checksum(answer, QUERY_RESPONSE)
    return answer


def refund_answer(body: dict, *, code: str = "00", **extra) -> dict:
    answer = {
        "vnp_ResponseId": "9a8b7c",
        "vnp_Command": "refund",
        "vnp_ResponseCode": code,
        "vnp_Message": "Refund success" if code == "00" else "Refund failed",
        "vnp_TmnCode": TMN_CODE,
        "vnp_TxnRef": body["vnp_TxnRef"],
        "vnp_Amount": body["vnp_Amount"],
        "vnp_OrderInfo": body["vnp_OrderInfo"],
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20260303100000",
        "vnp_TransactionNo": "14500001",
        "vnp_TransactionType": body["vnp_TransactionType"],
        "vnp_TransactionStatus": "05",
        **extra,
    }
    answer["vnp_SecureHash"] = checksum(answer, REFUND_RESPONSE)
    return answer


class FakeVNPay:
    """``answer(body) -> dict | (status, bytes) | bytes`` (raw bytes: the whole HTTP answer as is); ``delay``
    seconds before answering; ``requests`` received."""

    def __init__(self):
        self.answer = lambda body: {"vnp_ResponseCode": "99"}
        self.delay = 0.0
        self.requests: list[dict] = []
        self.bad_checksums: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append({"body": body, "content_type": self.headers.get("Content-Type")})
                fields = QUERY_REQUEST if body.get("vnp_Command") == "querydr" else REFUND_REQUEST
                if body.get("vnp_SecureHash") != checksum(body, fields):
                    fake.bad_checksums.append(body)
                if fake.delay:
                    time.sleep(fake.delay)
                result = fake.answer(body)
                if isinstance(result, bytes):  # a raw (broken) HTTP answer, written as is
                    self.close_connection = True
                    try:
                        self.wfile.write(result)
                    except OSError:
                        pass
                    return
                status, payload = result if isinstance(result, tuple) else (200, json.dumps(result).encode())
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout tests)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/merchant_webapi/api/transaction"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
