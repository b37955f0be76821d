"""Production fails closed: each unsafe configuration stops the settings, `manage.py` and the WSGI server with a
message naming the variable to set; the shipped example passes `check --deploy` with no warning.

Each case runs in a subprocess, with a clean environment, as an operator's server would start.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values

from skhcn.environment import environment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "production.env.example"
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def strong_key() -> str:
    return secrets.token_urlsafe(64)


@pytest.fixture
def base_env(tmp_path):
    """No variable of the caller's environment leaks in, except what runs Python."""
    return {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT / "src"),
        "PYTHONUTF8": "1",
        "DJANGO_SETTINGS_MODULE": "skhcn.settings",
        "SKHCN_DATA_DIR": str(tmp_path / "data"),
        "STATIC_ROOT": str(tmp_path),
    }


@pytest.fixture
def production_env(base_env):
    Path(base_env["SKHCN_DATA_DIR"]).mkdir()  # made at installation: production creates no folder itself
    return {
        **base_env,
        "SKHCN_ENV": "production",
        "SECRET_KEY": strong_key(),
        "ALLOWED_HOSTS": "skhcn.example.gov.vn",
        "BASE_URL": "https://skhcn.example.gov.vn",
    }


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def load_settings(env: dict) -> subprocess.CompletedProcess:
    """Only the settings module, as any process loads it first."""
    return run([sys.executable, "-c", "import skhcn.settings"], env)


def settings_values(env: dict, *names: str) -> dict:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run([*MANAGE, "shell", "-c", script], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- The environment's name ---


@pytest.mark.parametrize("typo", ["prodution", "Production ", "Production", " production", "prod", "dev", "staging"])
def test_a_misspelt_environment_is_refused(typo):
    with pytest.raises(ImproperlyConfigured, match="không hợp lệ"):
        environment(typo, debug=False)
    with pytest.raises(ImproperlyConfigured, match="không hợp lệ"):
        environment(typo, debug=True)  # DEBUG does not excuse a typo


def test_unset_is_local_only_with_debug():
    assert environment(None, debug=True) == "local"
    assert environment("", debug=True) == "local"
    with pytest.raises(ImproperlyConfigured, match="Chưa đặt biến môi trường SKHCN_ENV"):
        environment(None, debug=False)
    assert [environment(name, debug=False) for name in ("local", "test", "production")] == [
        "local",
        "test",
        "production",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("prodution", "SKHCN_ENV='prodution' không hợp lệ"),
        ("Production ", "SKHCN_ENV='Production ' không hợp lệ"),
        (None, "Chưa đặt biến môi trường SKHCN_ENV"),
    ],
)
def test_the_settings_refuse_a_wrong_or_missing_environment(production_env, value, message):
    env = dict(production_env)
    env.pop("SKHCN_ENV")
    if value is not None:
        env["SKHCN_ENV"] = value
    result = load_settings(env)
    assert result.returncode != 0
    assert message in result.stderr


# --- What production refuses in the settings ---


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DEBUG": "1"}, "DEBUG đang bật"),
        ({"SECRET_KEY": None}, "Thiếu SECRET_KEY"),
        ({"SECRET_KEY": "ngan-qua"}, "SECRET_KEY quá yếu"),
        ({"SECRET_KEY": "a" * 40 + "b" * 20}, "SECRET_KEY quá yếu"),
        ({"ALLOWED_HOSTS": None}, "Thiếu ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": " , "}, "Thiếu ALLOWED_HOSTS"),
        ({"BASE_URL": None}, "BASE_URL phải là địa chỉ HTTPS"),
        ({"BASE_URL": "http://skhcn.example.gov.vn"}, "BASE_URL phải là địa chỉ HTTPS"),
    ],
)
def test_production_refuses_unsafe_settings(production_env, change, message):
    env = dict(production_env)
    for name, value in change.items():
        if value is None:
            env.pop(name)
        else:
            env[name] = value
    result = load_settings(env)
    assert result.returncode != 0
    assert "SKHCN_ENV=production nhưng cấu hình chưa an toàn" in result.stderr
    assert message in result.stderr


def test_every_problem_is_listed_at_once(base_env):
    result = load_settings({**base_env, "SKHCN_ENV": "production", "DEBUG": "1"})
    assert result.returncode != 0
    for message in ("DEBUG đang bật", "Thiếu SECRET_KEY", "Thiếu ALLOWED_HOSTS", "BASE_URL"):
        assert message in result.stderr


def test_production_writes_nothing_while_loading(production_env, tmp_path):
    data_dir = tmp_path / "chua-tao"
    static_root = tmp_path / "static-chua-tao"
    result = load_settings({**production_env, "SKHCN_DATA_DIR": str(data_dir), "STATIC_ROOT": str(static_root)})
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists() and not static_root.exists()  # no folder, no generated secret key


# --- Sandbox plugins of every kind ---


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"PAYMENT_GATEWAYS": "sandbox"}, "Bỏ 'sandbox' khỏi biến môi trường PAYMENT_GATEWAYS"),
        ({"SMS_PROVIDER": "sandbox"}, "Bỏ 'sandbox' khỏi biến môi trường SMS_PROVIDER"),
        ({"DELIVERY_CARRIERS": "manual,sandbox"}, "Bỏ 'sandbox' khỏi biến môi trường DELIVERY_CARRIERS"),
        (
            {"IDENTITY_PROVIDERS": "local,skhcn.core.tests.sandbox_identity.SandboxIdentityProvider"},
            "khỏi biến môi trường IDENTITY_PROVIDERS",
        ),
    ],
)
def test_production_refuses_every_kind_of_sandbox_plugin(production_env, change, message):
    env = {**production_env, **change}
    for command in ([*MANAGE, "check"], [*MANAGE, "migrate", "--check"], [sys.executable, "-c", "import skhcn.wsgi"]):
        result = run(command, env)
        assert result.returncode != 0, command
        assert message in result.stderr, (command, result.stderr[-2000:])


def test_the_same_plugins_pass_outside_production(base_env):
    env = {
        **base_env,
        "SKHCN_ENV": "local",
        "PAYMENT_GATEWAYS": "sandbox",
        "SMS_PROVIDER": "sandbox",
        "DELIVERY_CARRIERS": "manual,sandbox",
        "IDENTITY_PROVIDERS": "local,skhcn.core.tests.sandbox_identity.SandboxIdentityProvider",
    }
    result = run([*MANAGE, "check"], env)
    assert result.returncode == 0, result.stderr


def test_the_web_server_refuses_to_serve(production_env):
    """granian loads the WSGI application, which runs no system check by itself: skhcn.wsgi runs them."""
    from skhcn.server import granian_command

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**production_env, "SMS_PROVIDER": "sandbox"}
    started = time.monotonic()
    result = run(granian_command("127.0.0.1", port, workers=1), env)
    assert result.returncode != 0
    assert "plugins.E001" in result.stdout + result.stderr
    assert time.monotonic() - started < 60


# --- Safe defaults ---


def test_production_defaults(production_env):
    values = settings_values(
        {**production_env, "SECURE_COOKIES": "0"},
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "DELIVERY_CARRIERS",
        "PAYMENT_GATEWAYS",
        "SMS_PROVIDER",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,  # SECURE_COOKIES=0 cannot turn them off in production
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "DELIVERY_CARRIERS": ["manual"],
        "PAYMENT_GATEWAYS": [],
        "SMS_PROVIDER": "",
    }


def test_https_settings_come_from_the_environment(production_env):
    values = settings_values(
        {
            **production_env,
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "3600",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0",
            "SECURE_HSTS_PRELOAD": "1",
        },
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SILENCED_SYSTEM_CHECKS",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": True,
        "SILENCED_SYSTEM_CHECKS": ["security.W019", "axes.W006"],  # with preload on, W021 is no longer silenced
    }


def test_local_keeps_the_demo_conveniences(base_env, tmp_path):
    values = settings_values(
        {**base_env, "SKHCN_ENV": "local"},
        "DELIVERY_CARRIERS",
        "PAYMENT_GATEWAYS",
        "SMS_PROVIDER",
        "SESSION_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "ALLOWED_HOSTS",
    )
    assert values == {
        "DELIVERY_CARRIERS": ["manual", "sandbox"],
        "PAYMENT_GATEWAYS": ["sandbox"],
        "SMS_PROVIDER": "sandbox",
        "SESSION_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"],
    }
    assert (tmp_path / "data" / "secret_key").exists()
    assert settings_values({**base_env, "SKHCN_ENV": "test"}, "DELIVERY_CARRIERS") == {"DELIVERY_CARRIERS": ["manual"]}
    assert settings_values({**base_env, "DEBUG": "1"}, "SKHCN_ENV") == {"SKHCN_ENV": "local"}


def test_the_policy_names_the_media_and_embed_hosts_configured(production_env):
    env = {
        **production_env,
        "AWS_STORAGE_BUCKET_NAME": "skhcn-media",
        "AWS_S3_CUSTOM_DOMAIN": "media.skhcn.example.gov.vn",
        "CSP_FRAME_HOSTS": "https://player.example.vn",
        "PAYMENT_GATEWAYS": "vnpay",
        "VNPAY_PAY_URL": "https://pay.vnpay.example/paymentv2/vpcpay.html",
    }
    directives = settings_values(env, "CONTENT_SECURITY_POLICY")["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert "https://media.skhcn.example.gov.vn" in directives["img-src"]
    assert "https://media.skhcn.example.gov.vn" in directives["media-src"]
    assert "https://player.example.vn" in directives["frame-src"]
    assert "https://www.youtube-nocookie.com" in directives["frame-src"]
    assert directives["form-action"] == ["'self'", "https://pay.vnpay.example"]

    env = {**production_env, "AWS_STORAGE_BUCKET_NAME": "skhcn-media", "AWS_S3_ENDPOINT_URL": "https://s3.example.vn/"}
    directives = settings_values(env, "CONTENT_SECURITY_POLICY")["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["img-src"] == ["'self'", "data:", "https://s3.example.vn"]
    assert directives["form-action"] == ["'self'"]


# --- The shipped example ---


def test_the_production_example_passes_the_deployment_checks(base_env):
    example = {name: value or "" for name, value in dotenv_values(EXAMPLE).items()}
    assert example["SKHCN_ENV"] == "production"
    assert example["SECRET_KEY"] == ""  # no secret ships with the project
    env = {**base_env, **example, "SECRET_KEY": strong_key()}
    result = run([*MANAGE, "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (3 silenced)." in result.stdout
    result = run([*MANAGE, "check", "--deploy"], {**env, "SECRET_KEY": ""})
    assert result.returncode != 0 and "Thiếu SECRET_KEY" in result.stderr


# --- One base URL for every absolute link ---


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8123"}, "http://127.0.0.1:8123"),
        ({"HOST": "0.0.0.0", "PORT": "9000"}, "http://127.0.0.1:9000"),  # noqa: S104 - a wildcard is not a link
        ({"HOST": "10.0.0.5", "PORT": "9000"}, "http://10.0.0.5:9000"),
        ({"HOST": "0.0.0.0", "BASE_URL": "https://skhcn.example.gov.vn"}, "https://skhcn.example.gov.vn"),  # noqa: S104
    ],
)
def test_the_base_url_follows_the_served_address_unless_set(base_env, extra, expected):
    env = {**base_env, "SKHCN_ENV": "local", **extra}
    assert settings_values(env, "WAGTAILADMIN_BASE_URL") == {"WAGTAILADMIN_BASE_URL": expected}
