"""Every URL pattern against the permission table, for every kind of user.

The walk builds one path per URL pattern of the project (``urlwalk.all_paths``), opens it as each kind of user and
compares what happened with the table below: a route that lets in someone the table keeps out, or keeps out someone
the table lets in, fails the test, and so does a route the table does not mention (add it: which users may open it?).
Nothing may answer a server error, whoever asks.

What counts as "let in" or "kept out" is read off the answer, not the view's code:
- kept out: a redirect to a sign-in page or to the second-factor page, 403, or Wagtail's "no permission" redirect to
  the admin home page;
- let in: any other answer (the page, a form error, a redirect elsewhere);
- 404 and 405 count as either: the sample ids of the walk name no record, some views hide what a user may not see,
  and a view that takes only POST answers GET with 405 before it looks at the user.
Wagtail's own editing screens (pages, images, snippets...) follow the permissions an administrator grants to groups
in each installation: there the walk checks only that visitors and citizens stay out and that nothing fails.
"""

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.tests.factories import ApplicantFactory, StaffFactory, enrol_totp
from skhcn.accounts.tests.urlwalk import all_paths

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
CITIZEN = "citizen"
HALF_SIGNED_IN = "staff without second factor"
EDITOR = "editor"  # a member of Wagtail's "Editors" group (portal content), no one-stop role
STAFF_ROLES = tuple(StaffRole.values)
SIGNED_IN_STAFF = (*STAFF_ROLES, EDITOR)
USERS = (ANONYMOUS, CITIZEN, HALF_SIGNED_IN, *SIGNED_IN_STAFF)

SIGN_IN_PAGES = {"/tai-khoan/dang-nhap/", "/admin/login/", "/django-admin/login/"}
SECOND_FACTOR_GATES = {"/admin/xac-thuc-hai-buoc/xac-minh/", "/admin/xac-thuc-hai-buoc/thiet-lap/"}
LOGOUTS = {"/admin/logout/", "/tai-khoan/dang-xuat/", "/django-admin/logout/"}


@dataclass(frozen=True)
class Access:
    """Who gets in; everyone else is kept out."""

    name: str
    let_in: frozenset[str]
    # Signed-in staff outside ``let_in`` may be let in or not (Wagtail's permissions, granted per installation).
    staff_by_grant: bool = False
    # Only Wagtail's deliberate error page (to try the error report) may answer 500, and only to those let in.
    raises: bool = False


def access(name, *users, staff_by_grant=False, raises=False):
    return Access(name, frozenset(users), staff_by_grant, raises)


# Staff halfway through signing in (password typed, code not yet) are let in nowhere but the sign-in pages.
PUBLIC = access("public", ANONYMOUS, CITIZEN, *SIGNED_IN_STAFF)
SIGN_IN = access("sign-in", *USERS)
# Signing out may end on a sign-in page: "kept out" is as good as "let in" there.
SIGN_OUT = access("sign-out", *USERS)
SECOND_FACTOR = access("second factor", HALF_SIGNED_IN, *SIGNED_IN_STAFF)
ACCOUNT = access("signed-in users", CITIZEN, *SIGNED_IN_STAFF)
STAFF = access("staff", *SIGNED_IN_STAFF)
ONE_STOP_STAFF = access("one-stop staff", *STAFF_ROLES)
ONE_STOP_DESK = access("one-stop desk", StaffRole.ONE_STOP, StaffRole.ADMINISTRATOR)
ADMINISTRATOR = access("system administrator", StaffRole.ADMINISTRATOR)
# Our registers and catalogues in Wagtail: Django model permissions; no one-stop role has them by default.
GRANTED = access("granted model permissions", staff_by_grant=False)
WAGTAIL = access("Wagtail permissions", staff_by_grant=True)
SUPERUSER = access("superuser only (Django admin)")
ERROR_REPORT_TRIAL = access("Wagtail's error page", *SIGNED_IN_STAFF, raises=True)

# First match wins. A path not matched at all fails the test.
PERMISSIONS: tuple[tuple[str, Access], ...] = (
    # Sign-in, password reset, the admin's static helpers.
    (r"/admin/login/$", SIGN_IN),
    (r"/(admin|django-admin)/logout/$", SIGN_OUT),
    (r"/tai-khoan/dang-xuat/$", SIGN_OUT),
    (r"/tai-khoan/xac-thuc/gui-lai/$", ACCOUNT),
    (r"/admin/(sprite|jsi18n)/$", SIGN_IN),
    (r"/admin/xac-thuc-hai-buoc/(thiet-lap|xac-minh)/$", SECOND_FACTOR),
    (r"/admin/password_reset/", PUBLIC),
    (r"/tai-khoan/(dang-nhap|dang-ky|quen-mat-khau|dat-lai-mat-khau|xac-thuc)/", PUBLIC),
    (r"/django-admin/login/$", SUPERUSER),
    # Citizens' and every signed-in user's own pages.
    (r"/tai-khoan/", ACCOUNT),
    (r"/dich-vu-cong/(ho-so-cua-toi|ho-so|nop)/", ACCOUNT),
    (r"/thanh-toan/(\d+|ket-qua)/", ACCOUNT),
    # Staff back office: our screens.
    (r"/admin/buu-chinh/tiep-nhan/$", ONE_STOP_DESK),
    (r"/admin/thong-bao/(gui|sms-thu-nghiem)/$", ONE_STOP_DESK),
    (r"/admin/thong-bao/mau/$", ADMINISTRATOR),
    (r"/admin/(can-bo|groups|users|phong-chuyen-mon)/", ADMINISTRATOR),
    (r"/admin/tu-viet-tat/", ADMINISTRATOR),  # the search's synonym table: the administrators' role group has it
    (r"/admin/xac-thuc-hai-buoc/dat-lai/", ADMINISTRATOR),
    (r"/admin/(ho-so|thanh-toan|buu-chinh)/", ONE_STOP_STAFF),
    (r"/admin/(thong-bao|xac-thuc-hai-buoc)/", STAFF),
    (r"/admin/(du-lieu-khcn|linh-vuc-thu-tuc|thu-tuc-hanh-chinh|ngay-nghi-lam-bu)(-nhap-xuat)?/", GRANTED),
    # Wagtail's own admin.
    (r"/admin/failwhale/$", ERROR_REPORT_TRIAL),
    (
        r"/admin/(pages|snippets|images|documents|collections|workflows|reports|sites|redirects|forms|settings)/",
        WAGTAIL,
    ),
    (r"/admin/", STAFF),
    (r"/django-admin/", SUPERUSER),
    # The public portal, catalogue, registries, statistics, search, feeds, files.
    (r"/(thu-tuc-hanh-chinh|du-lieu-khcn|thong-ke|tim-kiem|rss|danh-gia)/", PUBLIC),
    (r"/thanh-toan/(ipn|sandbox)/", PUBLIC),
    (r"/(documents|media|_util)/", PUBLIC),
    (r"/(robots\.txt|sitemap\.xml)/?$", PUBLIC),
    (r"/so-do-trang/$", PUBLIC),
    (r"/", PUBLIC),
)


def rule_for(path: str) -> Access:
    for pattern, rule in PERMISSIONS:
        if re.match(pattern, path):
            return rule
    raise LookupError(path)


def outcome(path: str, response) -> str:
    """ "in", "out", "neutral" (404, 405) or "error" (5xx)."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (404, 405):
        return "neutral"
    if status == 403:
        return "out"
    if status in (301, 302, 303, 307, 308):
        location = response["Location"].split("?")[0]
        if location in SIGN_IN_PAGES or (location in SECOND_FACTOR_GATES and path not in SECOND_FACTOR_GATES):
            return "out"
        signing_in = path in SIGN_IN_PAGES or path in SECOND_FACTOR_GATES
        if location == "/admin/" and path.startswith("/admin/") and path != "/admin/" and not signing_in:
            return "out"  # Wagtail's "Sorry, you do not have permission to access this area."
    return "in"


def sign_in(user, *, verified=True) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    if verified:
        device, _codes = enrol_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def clients(settings):
    settings.STAFF_2FA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    editor = StaffFactory.build()
    editor.save()
    editor.groups.add(Group.objects.get(name="Editors"))
    result = {
        ANONYMOUS: Client(raise_request_exception=False),
        CITIZEN: sign_in(ApplicantFactory(), verified=False),
        HALF_SIGNED_IN: sign_in(StaffFactory(role=StaffRole.SPECIALIST), verified=False),
        EDITOR: sign_in(editor),
    }
    for role in STAFF_ROLES:
        result[role] = sign_in(StaffFactory(role=role))
    return result


def expected(rule: Access, user: str) -> set[str]:
    if rule is SIGN_OUT:
        return {"in", "out", "neutral"}
    if user in rule.let_in:
        return {"error"} if rule.raises else {"in", "neutral"}
    if rule.staff_by_grant and user in SIGNED_IN_STAFF:
        return {"in", "out", "neutral"}
    return {"out", "neutral"}


def test_every_route_is_in_the_table():
    unknown = []
    for path in all_paths():
        try:
            rule_for(path)
        except LookupError:
            unknown.append(path)
    assert unknown == []
    assert len(all_paths()) > 300


def test_every_route_answers_each_user_as_the_table_says(clients):
    wrong = []
    for path in all_paths():
        if path in LOGOUTS:
            continue  # opening them would end the walk's session; they are open to all and change only that
        rule = rule_for(path)
        for user in USERS:
            got = outcome(path, clients[user].get(path))
            if got not in expected(rule, user):
                wrong.append(f"GET {path} as {user}: {got}, table says {rule.name}")
    assert wrong == []


def test_posts_from_anonymous_visitors_get_no_further_than_the_table_allows(clients):
    wrong = []
    for path in all_paths():
        rule = rule_for(path)
        got = outcome(path, clients[ANONYMOUS].post(path))
        if got not in expected(rule, ANONYMOUS):
            wrong.append(f"POST {path} as anonymous: {got}, table says {rule.name}")
    assert wrong == []


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/tai-khoan/thong-bao/", "signed-in users"),
        ("/admin/ho-so/", "one-stop staff"),
        ("/admin/thong-bao/", "staff"),
        ("/admin/buu-chinh/tiep-nhan/", "one-stop desk"),
        ("/admin/can-bo/", "system administrator"),
        ("/admin/pages/", "Wagtail permissions"),
        ("/admin/du-lieu-khcn/nhiem-vu/", "granted model permissions"),
        ("/du-lieu-khcn/nhiem-vu/", "public"),
        ("/admin/xac-thuc-hai-buoc/xac-minh/", "second factor"),
        ("/admin/login/", "sign-in"),
    ],
)
def test_the_table_reads_as_intended(path, name):
    assert rule_for(path).name == name


def test_the_outcome_of_an_answer():
    class Answer(dict):
        def __init__(self, status, location=None):
            super().__init__({"Location": location} if location else {})
            self.status_code = status

    assert outcome("/tai-khoan/", Answer(302, "/tai-khoan/dang-nhap/?next=/tai-khoan/")) == "out"
    assert outcome("/admin/ho-so/", Answer(302, "/admin/xac-thuc-hai-buoc/xac-minh/?next=/admin/ho-so/")) == "out"
    assert outcome("/admin/pages/", Answer(302, "/admin/")) == "out"
    assert outcome("/admin/", Answer(302, "/admin/")) == "in"
    assert outcome("/tai-khoan/dang-nhap/", Answer(302, "/tai-khoan/")) == "in"
    assert outcome("/x/", Answer(403)) == "out"
    assert outcome("/admin/login/", Answer(302, "/admin/")) == "in"
    assert outcome("/x/", Answer(404)) == "neutral"
    assert outcome("/x/", Answer(405)) == "neutral"
    assert outcome("/x/", Answer(200)) == "in"
    assert outcome("/x/", Answer(500)) == "error"
