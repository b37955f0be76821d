"""An identity provider flagged as a sandbox, named by dotted path in IDENTITY_PROVIDERS by the production tests."""

from skhcn.accounts.identity import IdentityProvider


class SandboxIdentityProvider(IdentityProvider):
    key = "dinh-danh-thu"
    label = "Định danh thử nghiệm"
    sandbox = True

    def login_url(self, request, next_url: str = "") -> str:
        return "/tai-khoan/dang-nhap/"
