import pytest

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _accounts_settings(settings):
    """E-mail tasks run at once; a fast password hasher keeps the many logins cheap."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.IDENTITY_PROVIDERS = ["local"]


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the verification e-mail) although the test's transaction never commits."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
