from django.utils import timezone

from skhcn.payments.gateways import vnpay

from .conftest import SANDBOX_SECRET


def gateway_params(
    payment, *, response="00", status="00", amount=None, transaction_no="90001234", secret=None, **extra
) -> dict:
    """Signed parameters as the (sandbox) gateway sends them in a return or IPN for ``payment``."""
    params = {
        "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP" + transaction_no,
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": vnpay.order_info(payment),
        "vnp_PayDate": vnpay.format_date(timezone.now()),
        "vnp_ResponseCode": response,
        "vnp_TmnCode": "SKHCNSBX",
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": payment.txn_ref,
        **extra,
    }
    params["vnp_SecureHash"] = vnpay.sign(params, secret or SANDBOX_SECRET)
    return params


def send_ipn(client, params):
    response = client.get("/thanh-toan/ipn/sandbox/", params)
    assert response.status_code == 200
    return response.json()
