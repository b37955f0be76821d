import pytest
from hypothesis import given
from hypothesis import strategies as st

from skhcn.notifications import templating
from skhcn.notifications.constants import Event
from skhcn.notifications.templating import TemplateError


@pytest.mark.parametrize("event", Event.values)
def test_every_default_uses_only_its_events_variables(event):
    texts = templating.DEFAULTS[event]
    for text in (texts.subject, texts.body, texts.sms):
        templating.validate(event, text)
    assert len(texts.sms) <= templating.SMS_MAX_LENGTH
    rendered = templating.render(texts.body, templating.sample_values(event))
    assert "{" not in rendered and "}" not in rendered


def test_render_fills_and_blanks_missing_values():
    assert templating.render("Hồ sơ {ma_ho_so}: {noi_dung}.", {"ma_ho_so": "X-1"}) == "Hồ sơ X-1: ."
    assert templating.render("{{giữ nguyên}} {ma_ho_so}", {"ma_ho_so": 5}) == "{giữ nguyên} 5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{khong_co}", "Không có biến {khong_co} cho thông báo này."),
        ("{ma_ho_so.__class__}", "chỉ dùng tên biến"),
        ("{ma_ho_so[0]}", "chỉ dùng tên biến"),
        ("{ma_ho_so:>99999999}", "chỉ dùng tên biến"),
        ("{ma_ho_so!r}", "chỉ dùng tên biến"),
        ("Mở ngoặc {ma_ho_so", "Dấu ngoặc nhọn không khớp"),
        ("Đóng ngoặc }", "Dấu ngoặc nhọn không khớp"),
        ("{}", "chỉ dùng tên biến"),
        ("{0}", "chỉ dùng tên biến"),
    ],
)
def test_bad_templates_are_refused_in_vietnamese(text, expected):
    with pytest.raises(TemplateError) as caught:
        templating.validate(Event.RECEIVED, text)
    assert expected in caught.value.message


def test_staff_variables_are_not_offered_to_applicant_events():
    with pytest.raises(TemplateError) as caught:
        templating.validate(Event.RECEIVED, "{danh_sach}")
    assert "{ma_ho_so}" in caught.value.message  # lists what may be used
    templating.validate(Event.DUE_REMINDER, "{danh_sach}")


@given(st.text(max_size=200))
def test_validate_either_accepts_or_raises_template_error(text):
    try:
        templating.validate(Event.APOLOGY, text)
    except TemplateError as error:
        assert error.message
    else:
        # Whatever validates renders without raising, whatever the values.
        templating.render(text, templating.sample_values(Event.APOLOGY))


@given(st.dictionaries(st.sampled_from(templating.allowed_variables(Event.SHIPPED)), st.text(max_size=50)))
def test_values_are_inserted_verbatim_never_interpreted(values):
    text = " | ".join("{" + name + "}" for name in templating.allowed_variables(Event.SHIPPED))
    rendered = templating.render(text, values)
    assert rendered.split(" | ") == [values.get(name, "") for name in templating.allowed_variables(Event.SHIPPED)] or (
        any(" | " in v for v in values.values())
    )
