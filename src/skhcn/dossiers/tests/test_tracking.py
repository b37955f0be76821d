import pytest
from django.urls import reverse

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.dossiers.citizen import tracking
from skhcn.dossiers.constants import Messages, ReceiveMethod
from skhcn.dossiers.documents import codes
from skhcn.dossiers.intake import services

from .factories import pdf_upload

pytestmark = pytest.mark.django_db

TRACK = "/dich-vu-cong/tra-cuu/"


@pytest.fixture
def dossier(procedure, documents):
    user = ApplicantFactory(profile__phone="0987.654.321", profile__id_number="079 088 001 234")
    draft = services.start_draft(user, procedure)
    for document in documents[:2]:
        services.attach_file(draft, document, pdf_upload())
    services.update_details(draft, receive_method=ReceiveMethod.DESK, postal_address="", note="")
    return services.submit_dossier(draft, user)


def test_url_name():
    assert reverse("dossiers:track") == TRACK


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0987 654 321", "0987654321"), ("+84 987.654.321", "0987654321"), ("0084-987-654-321", "0987654321")],
)
def test_normalise_phone(raw, expected):
    assert codes.normalise_phone(raw) == expected


def test_normalise_id_and_code():
    assert codes.normalise_id(" 079.088-001 234 ") == "079088001234"
    assert codes.normalise_code(" 000.26.h11-261129-00001 ") == "000.26.H11-261129-00001"


@pytest.mark.parametrize(
    "data",
    [
        {"sdt": "0987654321"},
        {"sdt": "+84 987 654 321"},
        {"giay_to": "079088001234"},
        {"giay_to": "079.088.001.234"},
        {"sdt": "0987654321", "giay_to": "079088001234"},
    ],
)
def test_matching_pairs(client, dossier, data):
    response = client.post(TRACK, {"ma": dossier.code, **data})
    assert response.status_code == 200 and "Đã nộp trực tuyến, chờ tiếp nhận" in response.text
    assert "Hồ sơ nộp trực tuyến, đang chờ cán bộ tiếp nhận kiểm tra" in response.text
    assert dossier.applicant_name not in response.text and dossier.applicant_email not in response.text


def test_code_is_case_insensitive(client, dossier):
    response = client.post(TRACK, {"ma": f"  {dossier.code.lower()} ", "sdt": "0987654321"})
    assert "Đã nộp trực tuyến, chờ tiếp nhận" in response.text


def test_wrong_pair_looks_like_unknown_code(client, dossier):
    wrong_phone = client.post(TRACK, {"ma": dossier.code, "sdt": "0911111111"})
    unknown = client.post(TRACK, {"ma": "000.26.H11-261129-99999", "sdt": "0987654321"})
    wrong_id = client.post(TRACK, {"ma": dossier.code, "giay_to": "000000000000"})
    both_one_wrong = client.post(TRACK, {"ma": dossier.code, "sdt": "0987654321", "giay_to": "1"})
    for response in (wrong_phone, unknown, wrong_id, both_one_wrong):
        assert response.status_code == 200
        assert Messages.TRACK_NOT_FOUND in response.text and "chờ tiếp nhận" not in response.text
    assert wrong_phone.text.replace(dossier.code, "").count("Không tìm thấy") == unknown.text.count("Không tìm thấy")


def test_code_only_asks_for_the_contact(client, dossier):
    response = client.post(TRACK, {"ma": dossier.code})
    assert response.status_code == 400 and Messages.TRACK_CONTACT_REQUIRED in response.text
    assert "chờ tiếp nhận" not in response.text


def test_missing_code(client, dossier):
    response = client.post(TRACK, {"sdt": "0987654321"})
    assert response.status_code == 400 and Messages.TRACK_CODE_REQUIRED in response.text


def test_qr_link_prefills_the_code_only(client, dossier):
    response = client.get(TRACK, {"ma": dossier.code.lower()})
    assert response.status_code == 200
    assert f'value="{dossier.code}"' in response.text and "chờ tiếp nhận" not in response.text
    assert Messages.TRACK_NOT_FOUND not in response.text


def test_get_with_code_and_phone_looks_up(client, dossier):
    response = client.get(TRACK, {"ma": dossier.code, "sdt": "0987654321"})
    assert "Đã nộp trực tuyến, chờ tiếp nhận" in response.text


def test_drafts_are_never_found(client, procedure):
    user = ApplicantFactory()
    draft = services.start_draft(user, procedure)
    assert tracking.find_dossier(str(draft.pk), user.applicant_profile.phone) is None


def test_responses_are_private_and_not_cached(client, dossier):
    for response in (client.get(TRACK), client.post(TRACK, {"ma": dossier.code, "sdt": "0987654321"})):
        assert response["Cache-Control"] == "private, no-store"
        assert not getattr(response, "page_cacheable", False)
        assert '<meta name="robots" content="noindex">' in response.text


def test_html_in_the_input_is_escaped(client, dossier):
    payload = '<script>alert("x")</script>'
    response = client.post(TRACK, {"ma": payload, "sdt": payload + "\x00"})
    assert response.status_code in (200, 400)
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text


def test_overlong_input(client):
    response = client.post(TRACK, {"ma": "A" * 5000, "sdt": "1" * 5000})
    assert response.status_code == 400 and "không hợp lệ" in response.text


def test_rate_limit_per_client_address(client, dossier, settings):
    settings.DOSSIER_TRACK_MAX_LOOKUPS = 3
    for _ in range(3):
        assert client.post(TRACK, {"ma": dossier.code, "sdt": "0911111111"}).status_code == 200
    blocked = client.post(TRACK, {"ma": dossier.code, "sdt": "0987654321"})
    assert blocked.status_code == 429 and Messages.TRACK_TOO_MANY in blocked.text
    assert "chờ tiếp nhận" not in blocked.text
    other = client.post(TRACK, {"ma": dossier.code, "sdt": "0987654321"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200 and "Đã nộp trực tuyến, chờ tiếp nhận" in other.text


def test_rate_limit_holds_per_process_while_redis_is_down(client, dossier, settings, redis_down):
    """Redis down: the same limit is counted in this process's memory, never unlimited, never a 500."""
    settings.DOSSIER_TRACK_MAX_LOOKUPS = 3
    with redis_down:
        for _ in range(3):
            response = client.post(TRACK, {"ma": dossier.code, "sdt": "0987654321"})
            assert response.status_code == 200 and "Đã nộp trực tuyến, chờ tiếp nhận" in response.text
        blocked = client.post(TRACK, {"ma": dossier.code, "sdt": "0987654321"})
        assert blocked.status_code == 429 and Messages.TRACK_TOO_MANY in blocked.text
        other = client.post(TRACK, {"ma": dossier.code, "sdt": "0987654321"}, REMOTE_ADDR="203.0.113.9")
        assert other.status_code == 200


def test_empty_page(client, db):
    response = client.get(TRACK)
    assert response.status_code == 200 and "Tra cứu hồ sơ" in response.text


def test_registered_tracking_panels_add_to_the_page_context(client, dossier, monkeypatch):
    """The extension point other apps (payments) use: a panel's context reaches the tracking page, for the dossier
    found; dossiers itself knows none of them."""
    seen = []

    def panel(found):
        seen.append(found.pk)
        return {"payments": [], "panel_marker": "có"}

    monkeypatch.setitem(tracking.TRACKING_PANELS, "test", panel)
    response = client.post(TRACK, {"ma": dossier.code, "sdt": "0987654321"})
    assert response.status_code == 200 and seen == [dossier.pk]
    assert response.context["panel_marker"] == "có"
    client.post(TRACK, {"ma": dossier.code, "sdt": "0911111111"})  # not found: no panel asked
    assert seen == [dossier.pk]


def test_panels_context_merges_in_registration_order(monkeypatch):
    monkeypatch.setattr(tracking, "TRACKING_PANELS", {})
    tracking.register_tracking_panel("a", lambda d: {"x": 1, "y": 1})
    tracking.register_tracking_panel("b", lambda d: {"y": 2})
    assert tracking.panels_context(object()) == {"x": 1, "y": 2}
