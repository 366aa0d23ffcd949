# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the figures were measured on: CPU, cores, memory, load, versions, date, commit."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.split(":", 1)[0].strip() == key:
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _version(python: Path, code: str) -> str:
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout.strip() or "unknown"


def _commit(root: Path) -> str:
    def git(*args):
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "plugins")
    return f"{head} (plugins/ with uncommitted changes)" if dirty else head


def describe(python: Path, root: Path) -> dict:
    memory = _first("/proc/meminfo", "MemTotal")
    if memory and memory.endswith(" kB"):
        memory = f"{int(memory[:-3]) / 1024 / 1024:.1f} GiB"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": f"{os.cpu_count()} logical ({usable} usable by this process)",
        "memory": memory or "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": _version(python, "import platform; print(platform.python_version())"),
        "ansible_core": _version(
            python, "from ansible.release import __version__; print(__version__)"
        ),
        "netaddr": _version(python, "import netaddr; print(netaddr.__version__)"),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(root),
        "load_start": load(),
    }
