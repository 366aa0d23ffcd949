# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Build the collection tarball, check it holds no debris, install it and run the demo on it.

    python tools/check_dist.py COLLECTION_TREE WORK_DIR

The demo runs from WORK_DIR with ANSIBLE_COLLECTIONS_PATH pointing only at the installed copy,
so a module missing from the tarball fails here rather than on a user's controller.
"""

from __future__ import annotations

import fnmatch
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent

# What a user never needs and a careless build would ship.
DEBRIS = [
    ".git*", "*/__pycache__/*", "*.pyc", ".venv/*", ".build/*", ".cache/*", ".emulators/*",
    "tests/output/*", "benchmarks/*", "tools/*", "dist/*", ".ci/*", "*.tar.gz", ".ruff_cache/*",
    "*/.molecule/*", "requirements-dev.*",
]  # fmt: skip
REQUIRED = [
    "MANIFEST.json", "FILES.json", "README.md", "meta/runtime.yml",
    "plugins/modules/mail_send_gateway.py", "plugins/modules/mail_receive_gateway.py",
    "playbooks/demo.yml",
]  # fmt: skip


def build(tree: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "build", "--force", "--output-path", out, tree],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = out.glob("alimail-gateways-*.tar.gz")
    return tarball


def check_contents(tarball: pathlib.Path) -> list[str]:
    with tarfile.open(tarball) as archive:
        names = [name.removeprefix("./") for name in archive.getnames()]
    problems = [
        f"debris in the tarball: {name}"
        for name in names
        for pattern in DEBRIS
        if fnmatch.fnmatch(name, pattern)
    ]
    problems += [f"missing from the tarball: {name}" for name in REQUIRED if name not in names]
    return problems


def main() -> int:
    tree, work = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tarball = build(tree, work)
    problems = check_contents(tarball)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    installed = work / "collections"
    # Only the installed copy may be visible, or ansible-galaxy finds the checkout's tree and
    # decides there is nothing to install.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed))
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "install", "-p", installed, tarball],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    collection = installed / "ansible_collections" / "alimail" / "gateways"
    demo = [
        sys.executable, ROOT / "tools" / "with_emulators.py", work / "emulators", "--",
        BIN / "ansible-playbook", "-i", collection / "playbooks" / "inventory" / "demo.yml",
        "alimail.gateways.demo",
    ]  # fmt: skip
    result = subprocess.run(demo, cwd=work, env=env, check=False)
    print(
        f"{tarball.name}: {len(problems)} problems; demo on the installed copy exited {result.returncode}"
    )
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
