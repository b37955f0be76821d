import pytest

from skhcn.delivery import carriers, s10
from skhcn.delivery.carriers.base import CarrierError
from skhcn.delivery.constants import ShipmentStatus
from skhcn.delivery.models import Shipment


@pytest.mark.parametrize(
    "serial, digit",
    # 47312482 -> 9: the worked example of the UPU S10 standard (RR473124829GB).
    [("12345678", 5), ("47312482", 9), ("00000000", 5), ("98765432", 6)],
)
def test_check_digit(serial, digit):
    assert s10.check_digit(serial) == digit


def test_check_digit_rules_ten_and_eleven():
    # 11 - (sum mod 11) is 11 when the sum is a multiple of 11 (-> 5) and 10 when it leaves 1 (-> 0).
    assert s10.check_digit("00000000") == 5
    assert s10.check_digit("00000012") == 0  # 1*9 + 2*7 = 23, 23 mod 11 = 1, 11 - 1 = 10 -> 0


@pytest.mark.parametrize("value", ["EB123456785VN", "eb 123 456 785 vn", "RR473124829GB", "EB-123456785-VN"])
def test_valid_numbers(value):
    assert s10.is_valid(value)
    assert s10.validate(value) == s10.normalise(value)


@pytest.mark.parametrize("value", ["EB123456789VN", "EB123456784VN", "RR473124820VN"])
def test_wrong_check_digit_refused_in_vietnamese(value):
    with pytest.raises(s10.S10Error) as error:
        s10.validate(value)
    assert "chữ số kiểm tra không đúng" in error.value.message


@pytest.mark.parametrize("value", ["", "EB12345678VN", "1B123456785VN", "EB123456785V", "EB123456785VNX", "abc"])
def test_bad_format_refused(value):
    with pytest.raises(s10.S10Error) as error:
        s10.validate(value)
    assert "không đúng định dạng" in error.value.message


def test_make_is_valid():
    assert s10.make("EZ", 12345678) == "EZ123456785VN"
    assert all(s10.is_valid(s10.make("EZ", n)) for n in range(0, 10**8, 9_999_991))


def test_registry_follows_settings(settings):
    settings.DELIVERY_CARRIERS = ["manual"]
    assert carriers.enabled_keys() == ["manual"]
    with pytest.raises(KeyError):
        carriers.get_carrier("sandbox")
    settings.DELIVERY_CARRIERS = ["manual", "sandbox", "unknown"]
    assert carriers.enabled_keys() == ["manual", "sandbox"]
    assert "thử nghiệm" in dict(carriers.choices())["sandbox"]


def test_manual_carrier_takes_the_officers_number():
    manual = carriers.get_carrier("manual")
    assert manual.create_shipment(Shipment()) is None
    assert manual.clean_tracking_number(" eb123456785vn ") == "EB123456785VN"
    with pytest.raises(CarrierError):
        manual.clean_tracking_number("EB123456789VN")


def test_sandbox_carrier_numbers_and_steps():
    sandbox = carriers.get_carrier("sandbox")
    number = sandbox.create_shipment(Shipment())
    assert number.startswith("EZ") and number.endswith("VN") and s10.is_valid(number)
    item = Shipment(status=ShipmentStatus.HANDED_OVER, address_line="Số 1", province="Cao Bằng")
    assert [u.status for u in sandbox.track(item)] == [ShipmentStatus.IN_TRANSIT]
    item.status = ShipmentStatus.IN_TRANSIT
    assert [u.status for u in sandbox.track(item)] == [ShipmentStatus.DELIVERED]
    item.address_line = "Số 1 [HOAN]"
    assert [u.status for u in sandbox.track(item)] == [ShipmentStatus.RETURNED]
    item.status = ShipmentStatus.DELIVERED
    assert sandbox.track(item) == []
