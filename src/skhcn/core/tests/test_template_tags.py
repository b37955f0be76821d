import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import override_settings

import skhcn
from skhcn.core.templatetags.skhcn import iso_datetime

ISO_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def test_iso_datetime_drops_microseconds_and_keeps_the_offset():
    moment = datetime(2021, 4, 12, 8, 58, 7, 123456, tzinfo=UTC)
    rendered = Template("{% load skhcn %}{{ moment|iso_datetime }}").render(Context({"moment": moment}))
    assert rendered == "2021-04-12T15:58:07+07:00"  # the site's time zone, Asia/Ho_Chi_Minh
    assert ISO_SECONDS.fullmatch(rendered)


@override_settings(USE_TZ=True)
@pytest.mark.parametrize(
    ("value", "expected"),
    [(date(2021, 4, 12), "2021-04-12"), (None, ""), ("", ""), ("12/04/2021", ""), (42, "")],
)
def test_iso_datetime_with_a_date_or_bad_input(value, expected):
    assert iso_datetime(value) == expected


def test_no_template_writes_a_time_datetime_with_microseconds():
    """|date:"c" prints microseconds when present; the W3C checker refuses them in <time datetime>."""
    root = Path(skhcn.__file__).parent
    offenders = [
        f"{path.relative_to(root)}: {line.strip()[:120]}"
        for path in root.rglob("templates/**/*.html")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"""datetime="\{\{[^}]*\|date:['"]c['"]""", line)
    ]
    assert offenders == []
