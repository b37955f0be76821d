"""``make run``: a developer's machine or a demo (SKHCN_ENV=local). DEBUG stays off unless asked for.

The data folder (``SKHCN_DATA_DIR``, default ``./var``) and its static folder are created, a secret key is generated
there on first start, and the offline sandboxes (payment, SMS, post) are offered by default. Never on a real server:
production refuses every sandbox plugin.
"""

import os

from skhcn.environment import LOCAL, data_folder_secret_key, env_bool, env_list, make_folders
from skhcn.settings.base import *  # noqa: F403

SKHCN_ENV = LOCAL

# WhiteNoise warns about a missing static folder before the first collectstatic.
make_folders(DATA_DIR, STATIC_ROOT)
SECRET_KEY = SECRET_KEY or data_folder_secret_key(DATA_DIR)

# The offline sandboxes, so that a demo can pay, send texts and post without any contract.
PAYMENT_SANDBOX_ALLOWED = env_bool("PAYMENT_SANDBOX_ALLOWED", True)
PAYMENT_GATEWAYS = env_list("PAYMENT_GATEWAYS", "sandbox" if PAYMENT_SANDBOX_ALLOWED else "")
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "sandbox").strip()
DELIVERY_CARRIERS = env_list("DELIVERY_CARRIERS", "manual,sandbox")
