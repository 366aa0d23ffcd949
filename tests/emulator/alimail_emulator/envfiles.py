# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The files a running emulator leaves in its directory for others to find it: DIR/pid,
DIR/env (KEY=value lines for a shell) and DIR/env.json (the same as JSON, written last, so its
presence means the emulator is ready)."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

ENV = "env"
ENV_JSON = "env.json"
PID = "pid"


def _atomic_write(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    # 0600: the env files hold the client secret.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def write(directory: Path, env: dict[str, str], pid: int) -> None:
    directory = Path(directory)
    _atomic_write(directory / PID, f"{pid}\n")
    _atomic_write(directory / ENV, "".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()))
    _atomic_write(directory / ENV_JSON, json.dumps(env, indent=2) + "\n")


def read(directory: Path) -> dict[str, str] | None:
    try:
        return json.loads((Path(directory) / ENV_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_pid(directory: Path) -> int | None:
    try:
        return int((Path(directory) / PID).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def clear(directory: Path, pid: int | None = None) -> None:
    """Remove the files, but only those of ``pid`` when given (a newer run may own them)."""
    directory = Path(directory)
    if pid is not None and read_pid(directory) not in (None, pid):
        return
    for name in (ENV_JSON, ENV, PID):
        (directory / name).unlink(missing_ok=True)
