"""The settings of the environment that ``SKHCN_ENV`` names. ``DJANGO_SETTINGS_MODULE`` is always ``skhcn.settings``.

- ``base``: everything the environments share; importing it creates no folder and writes no file.
- ``local``: ``make run``, a developer's machine or a demo: a generated secret key and the folders in the data
  folder, the offline sandboxes (payment, SMS, post) offered by default.
- ``production``: a real server: secure defaults, no side effect at import, and a refusal to start when a required
  value is missing or unsafe (``skhcn.environment``).
- ``test``: pytest, the benchmarks and the tests that start real servers.

One variable decides, so a process cannot mix the settings of one environment with the name of another.
``skhcn.environment`` refuses an unknown name and, without DEBUG, an unset one: every process stops here.
"""

import os
import sys

from skhcn.environment import PRODUCTION, TEST, env_bool, environment

# A reload of this package (a test of the defaults does one) reads the environment again: the modules the previous
# import loaded are forgotten first, or Python would hand back their old values.
for _loaded in [name for name in sys.modules if name.startswith(f"{__name__}.")]:
    del sys.modules[_loaded]

_selected = environment(os.environ.get("SKHCN_ENV"), env_bool("DEBUG"))
if _selected == PRODUCTION:
    from skhcn.settings.production import *  # noqa: F403
elif _selected == TEST:
    from skhcn.settings.test import *  # noqa: F403
else:  # "local": environment() returns one of the three names
    from skhcn.settings.local import *  # noqa: F403
