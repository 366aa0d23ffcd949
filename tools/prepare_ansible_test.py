# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Let ansible-test set up its virtual environments without its own download.

Before it creates a sanity or units venv, ansible-test fetches a pip bootstrap script from a
host outside the package registries. It uses a cached copy under ~/.ansible/test/cache when one
exists, so this writes that copy: the pip wheel of the version ansible-test asks for, fetched
from the package index, and a small script that installs it.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import ansible_test

BOOTSTRAP = '''"""Offline stand-in for get-pip.py: installs the pip wheel cached beside this file."""
import pathlib
import sys

here = pathlib.Path(__file__).parent
wheel = str(next(here.glob("pip-{version}-*.whl")))
sys.path.insert(0, wheel)
from pip._internal.cli.main import main  # noqa: E402

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--no-index", "--find-links", str(here), *args]))
'''


def pip_version() -> str:
    source = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    match = re.search(r"pip='([^']+)'", source.read_text(encoding="utf-8"))
    if not match:
        sys.exit(f"cannot find the pip version ansible-test wants in {source}")
    return match.group(1)


def main() -> None:
    version = pip_version()
    cache = pathlib.Path.home() / ".ansible" / "test" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    if not list(cache.glob(f"pip-{version}-*.whl")):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "-d",
                str(cache),
                f"pip=={version}",
            ],
            check=True,
        )
    script = cache / f"get_pip_{version.replace('.', '_')}.py"
    script.write_text(BOOTSTRAP.format(version=version), encoding="utf-8")


if __name__ == "__main__":
    main()
