# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Module start-up: what importing each module costs beyond AnsibleModule, and what each path
imports while it runs (python -X importtime).

Start-up imports ansible.module_utils.basic first, then the module, so the module's figure is
only what the collection adds. The collection snapshot has no bytecode and
PYTHONDONTWRITEBYTECODE=1 keeps it so: every import compiles the source, as under AnsiballZ,
which runs module_utils from a zip that never caches bytecode. The "bytecode cached" column
runs the same with a warm PYTHONPYCACHEPREFIX, to show what compiling costs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

# The imports that must stay off the paths that do not need them.
HEAVY = ("netaddr", "ssl", "zoneinfo", "smtplib", "http.client")
_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)$")
PACKAGE = "ansible_collections.alimail.gateways"


def parse(stderr: str) -> list[tuple[str, int, int, int]]:
    """(module, self us, cumulative us, depth) per import, in the order they finished."""
    found = []
    for line in stderr.splitlines():
        match = _LINE.match(line)
        if match:
            depth = (len(match[3]) - 1) // 2
            found.append((match[4], int(match[1]), int(match[2]), depth))
    return found


def _env(collections: Path, pycache: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ANSIBLE_"))}
    env["PYTHONPATH"] = str(collections)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def startup(python: Path, collections: Path, module: str, pycache: Path | None = None) -> dict:
    """Import times in ms: AnsibleModule, the module beyond it, and the collection's own code."""
    name = f"{PACKAGE}.plugins.modules.{module}"
    code = f"import ansible.module_utils.basic\nimport {name}\n"
    done = subprocess.run(
        [str(python), "-X", "importtime", "-c", code],
        env=_env(collections, pycache),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"importing {name} failed:\n{done.stderr[-2000:]}")
    rows = parse(done.stderr)
    cumulative = {row[0]: row[2] for row in rows}
    own = sum(row[1] for row in rows if row[0].startswith(PACKAGE))
    after_basic = rows[[row[0] for row in rows].index("ansible.module_utils.basic") + 1 :]
    return {
        "basic_ms": cumulative.get("ansible.module_utils.basic", 0) / 1000,
        "module_ms": cumulative.get(name, 0) / 1000,
        "own_ms": own / 1000,
        "imported": sorted({row[0] for row in after_basic}),
        "heavy": [h for h in HEAVY if h in {row[0] for row in after_basic}],
    }


def runtime(
    python: Path, collections: Path, module_file: Path, args: dict, args_file: Path
) -> dict:
    """Run a module file directly with its arguments; the imports of that whole path."""
    # A file, not the command line: Ansible's debug loader takes a long argument for a path.
    args_file.parent.mkdir(parents=True, exist_ok=True)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}), encoding="utf-8")
    done = subprocess.run(
        [str(python), "-X", "importtime", str(module_file), str(args_file)],
        env=_env(collections, None),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    names = {row[0] for row in parse(done.stderr)}
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = {"failed": True, "msg": done.stdout[-500:] + done.stderr[-500:]}
    return {"heavy": [h for h in HEAVY if h in names], "result": result}
