"""Which environment the settings describe, what production refuses, and how the settings read the environment
(docs/trien-khai.md, docs/dev/settings-and-packaging.md).

Used by ``skhcn.settings`` while it is being imported: no Django settings access here, only plain values. Every
refusal is an ``ImproperlyConfigured`` whose Vietnamese message names the variable to set, so a server, a worker and
every ``manage.py`` command stop before doing anything.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

LOCAL = "local"
TEST = "test"
PRODUCTION = "production"
ENVIRONMENTS = (LOCAL, TEST, PRODUCTION)

# Django's own bar for a strong key (check security.W009): long and not made of a handful of characters.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
NEW_SECRET_KEY_COMMAND = "python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"  # noqa: S105 - how to make one, not a key
# The file in the data folder that holds the key generated on a developer's machine (local and test only).
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a key


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def environment(value: str | None, debug: bool) -> str:
    """The environment named by ``SKHCN_ENV``.

    Only the exact names are accepted: a typo ("prodution", "Production ") must never mean "not production".
    Unset (or empty) means "local" only with DEBUG on, the developer's explicit choice; otherwise nothing tells a
    demo from a server whose operator forgot the variable, so it refuses.
    """
    if not value:
        if debug:
            return LOCAL
        raise ImproperlyConfigured(
            "Chưa đặt biến môi trường SKHCN_ENV. Đặt SKHCN_ENV=production trên máy chủ thật, SKHCN_ENV=local trên "
            "máy cá nhân hoặc máy trình diễn (make run tự đặt), SKHCN_ENV=test khi chạy kiểm thử."
        )
    if value not in ENVIRONMENTS:
        raise ImproperlyConfigured(
            f"SKHCN_ENV={value!r} không hợp lệ: chỉ nhận đúng một trong các giá trị "
            f"{', '.join(ENVIRONMENTS)} (chữ thường, không có dấu cách)."
        )
    return value


def production_problems(*, debug: bool, secret_key: str, allowed_hosts: list[str], base_url: str) -> list[str]:
    """What keeps these values from running in production, one Vietnamese sentence each (empty: nothing)."""
    problems = []
    if debug:
        problems.append("DEBUG đang bật: tắt nó (bỏ biến DEBUG hoặc đặt DEBUG=0); DEBUG lộ mã nguồn và cấu hình.")
    if not secret_key:
        problems.append(
            "Thiếu SECRET_KEY: đặt một khóa bí mật ngẫu nhiên, giống nhau trên mọi máy chủ ứng dụng "
            f"(tạo bằng: {NEW_SECRET_KEY_COMMAND})."
        )
    elif len(secret_key) < SECRET_KEY_MIN_LENGTH or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        problems.append(
            f"SECRET_KEY quá yếu: cần ít nhất {SECRET_KEY_MIN_LENGTH} ký tự ngẫu nhiên "
            f"(tạo bằng: {NEW_SECRET_KEY_COMMAND})."
        )
    if not allowed_hosts:
        problems.append("Thiếu ALLOWED_HOSTS: đặt tên miền của cổng, ví dụ ALLOWED_HOSTS=skhcn.caobang.gov.vn.")
    if not base_url.startswith("https://"):
        problems.append(
            "BASE_URL phải là địa chỉ HTTPS của cổng (dùng trong thư, tin nhắn và mã QR trên phiếu), "
            "ví dụ BASE_URL=https://skhcn.caobang.gov.vn."
        )
    return problems


def refuse_production_problems(problems: list[str]) -> None:
    if problems:
        raise ImproperlyConfigured(
            "SKHCN_ENV=production nhưng cấu hình chưa an toàn, hệ thống không khởi động:\n- " + "\n- ".join(problems)
        )


def make_folders(*folders: Path) -> None:
    """Create the data folders on a developer's machine (production's are made at installation)."""
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def data_folder_secret_key(data_dir: Path) -> str:
    """The key kept in ``data_dir``, generated on first use: a developer's machine needs no SECRET_KEY. Production
    never calls this: its application servers must share one key, given in the environment."""
    key_file = data_dir / SECRET_KEY_FILE
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
