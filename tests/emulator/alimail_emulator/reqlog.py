# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The log of contract requests, so tests can count the calls a run made."""

from __future__ import annotations

import threading

from alimail_emulator.timefmt import rfc3339


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries: list[dict] = []
        self._seq = 0

    def add(self, method, path, status, code, *, request_id, fault=None, duration_ms=0) -> None:
        with self._lock:
            self._seq += 1
            self._entries.append(
                {
                    "seq": self._seq,
                    "method": method,
                    "path": path,
                    "status": status,
                    "code": code,
                    "time": rfc3339(precise=True),
                    "requestId": request_id,
                    "fault": fault,
                    "durationMs": duration_ms,
                }
            )

    def entries(self) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
