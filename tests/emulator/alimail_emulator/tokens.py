# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Access tokens of the client-credentials flow, kept in memory only."""

from __future__ import annotations

import secrets
import threading
import time


class Tokens:
    def __init__(self, lifetime: float, clock=time.monotonic):
        self.lifetime = lifetime
        self.clock = clock
        self._lock = threading.Lock()
        self._issued: dict[str, tuple[str, float]] = {}

    def issue(self, organisation: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._issued[token] = (organisation, self.clock() + self.lifetime)
        return token

    def organisation(self, token: str) -> str | None:
        """The organisation a live token belongs to; None for unknown or expired tokens."""
        with self._lock:
            entry = self._issued.get(token)
            if entry is None:
                return None
            if self.clock() >= entry[1]:
                del self._issued[token]
                return None
            return entry[0]

    def expire_all(self) -> int:
        with self._lock:
            count = len(self._issued)
            self._issued.clear()
            return count
