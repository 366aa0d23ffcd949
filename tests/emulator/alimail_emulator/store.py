# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Gateway state kept in one JSON file, replaced atomically on every change.

A write goes to a temporary file in the same directory, is fsynced, renamed over the state file,
and the directory is fsynced, so a kill at any moment leaves either the old or the new file.
Callers hold ``lock`` around read-check-write sequences, so concurrent requests never interleave.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

from alimail_emulator.crash import CrashHook

FORMAT_VERSION = 1
_TEMP_PREFIX = ".state-"
_TEMP_SUFFIX = ".tmp"


class StateError(RuntimeError):
    """The state file exists but cannot be used; the emulator refuses to start over it."""


def _etag(revision: int, record: dict) -> str:
    digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]
    return f'"{revision}-{digest}"'


class StateStore:
    def __init__(self, path: Path, initial: dict, crash: CrashHook | None = None):
        self.path = Path(path)
        self.initial = copy.deepcopy(initial)
        self.crash = crash or CrashHook(None)
        self.lock = threading.RLock()
        self.data = self._fresh(self.initial)

    @staticmethod
    def _fresh(gateways: dict, revision: int = 0) -> dict:
        data = {"version": FORMAT_VERSION, "revision": revision, "gateways": {}}
        for domain, kinds in gateways.items():
            for kind, record in kinds.items():
                data["revision"] += 1
                stored = {k: v for k, v in record.items() if k != "etag"}
                stored["etag"] = _etag(data["revision"], stored)
                data["gateways"].setdefault(domain, {})[kind] = stored
        return data

    def load(self) -> None:
        """Read the state file if there is one; otherwise keep the initial state in memory."""
        for stale in self.path.parent.glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"):
            # Left by a write that was killed before its rename; never the current state.
            stale.unlink()
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StateError(f"state file {self.path} cannot be read: {exc}") from None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise StateError(f"state file {self.path} is not format version {FORMAT_VERSION}")
        self.data = data

    def snapshot(self) -> dict:
        with self.lock:
            return copy.deepcopy(self.data)

    def get(self, domain: str, kind: str) -> dict | None:
        with self.lock:
            record = self.data["gateways"].get(domain, {}).get(kind)
            return dict(record) if record else None

    def put(self, domain: str, kind: str, record: dict) -> dict:
        """Store ``record`` with a new ETag; returns the stored copy."""
        with self.lock:
            data = copy.deepcopy(self.data)
            data["revision"] += 1
            stored = dict(record)
            stored.pop("etag", None)
            stored["etag"] = _etag(data["revision"], stored)
            data["gateways"].setdefault(domain, {})[kind] = stored
            self._write(data)
            return dict(stored)

    def delete(self, domain: str, kind: str) -> bool:
        with self.lock:
            if kind not in self.data["gateways"].get(domain, {}):
                return False
            data = copy.deepcopy(self.data)
            data["revision"] += 1
            del data["gateways"][domain][kind]
            if not data["gateways"][domain]:
                del data["gateways"][domain]
            self._write(data)
            return True

    def reset(self) -> None:
        with self.lock:
            # Revisions keep rising so an ETag from before the reset never matches again.
            data = self._fresh(self.initial, self.data["revision"])
            data["revision"] += 1
            self._write(data)

    def _write(self, data: dict) -> None:
        # Memory changes only after the file did, so a failed write leaves both as they were.
        crash = self.crash
        crash.begin_write()
        crash.reached("before-write")
        payload = (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")
        directory = self.path.parent
        fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                crash.reached("temp-written")
                os.fsync(handle.fileno())
            crash.reached("temp-synced")
            os.replace(temp, self.path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        crash.reached("renamed")
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        crash.reached("dir-synced")
        self.data = data
