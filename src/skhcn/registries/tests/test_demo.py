"""Demo records from the seed article: marked as demo, no invented numbers, loaded once."""

import io

import pytest
from django.core.management import call_command

from skhcn.registries import constants as c
from skhcn.registries.demo import load_demo_registries
from skhcn.registries.models import IntellectualProperty, ScienceEnterprise, ScienceTask, SupportGrant

pytestmark = pytest.mark.django_db


def test_demo_records_are_marked_and_invent_no_numbers(client):
    created = load_demo_registries()
    assert created == 12
    names = set(IntellectualProperty.objects.values_list("name", flat=True))
    assert {"Quýt Trà Lĩnh", "Nếp Hương Bảo Lạc", "Cao Bằng", "Vịt cỏ Trùng Khánh"} <= names
    for model in (IntellectualProperty, ScienceTask, ScienceEnterprise, SupportGrant):
        assert not model.objects.filter(is_demo=False).exists()
        assert not model.objects.filter(source="").exists()  # each says what the article states and assumes
        assert not model.objects.exclude(code__startswith="MAU-").exists()
    assert not IntellectualProperty.objects.exclude(protection_number="").exists()
    assert not IntellectualProperty.objects.exclude(protection_date=None).exists()
    assert ScienceEnterprise.objects.get().certificate_number == ""
    gi = IntellectualProperty.objects.get(ip_type=c.IPType.GEOGRAPHICAL_INDICATION)
    assert (gi.name, gi.product) == ("Cao Bằng", "Trúc sào và chiếu trúc sào")
    totals = client.get("/du-lieu-khcn/tong-hop-ho-tro/").content.decode()
    assert "05 đơn vị, 370 triệu đồng" in totals and "Chưa rõ năm" in totals and "Có dữ liệu mẫu" in totals
    page = client.get("/du-lieu-khcn/so-huu-tri-tue/", {"q": "nep huong bao lac"}).content.decode()
    assert "Nếp Hương Bảo Lạc" in page and "Dữ liệu mẫu, không phải thông tin chính thức" in page


def test_demo_loads_once_and_keeps_edits():
    load_demo_registries()
    IntellectualProperty.objects.filter(code="MAU-SHTT-01").update(holder="Hội nông dân (đã sửa)")
    assert load_demo_registries() == 0
    assert IntellectualProperty.objects.get(code="MAU-SHTT-01").holder == "Hội nông dân (đã sửa)"
    assert IntellectualProperty.objects.count() == 6


def test_load_demo_command_adds_the_registries_only_when_empty(site_tree):
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "Dữ liệu KH&CN mẫu: thêm 12 bản ghi" in out.getvalue()
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "bỏ qua dữ liệu KH&CN mẫu" in out.getvalue()
    assert ScienceTask.objects.count() == 1
