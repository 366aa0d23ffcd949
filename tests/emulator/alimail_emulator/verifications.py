# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Successful gateway tests, remembered for the enable guard.

Enabling a gateway needs a successful test, in the last ``window`` seconds, of an address inside
the body's gateway (sending) or ingress (receiving) field, with the same verification email.
"""

from __future__ import annotations

import threading
import time

from alimail_emulator import addresses
from alimail_emulator.timefmt import rfc3339


class Verifications:
    def __init__(self, window: float, clock=time.monotonic):
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._records: list[dict] = []

    def record(self, domain, kind, *, address, version, value, port, email) -> None:
        with self._lock:
            self._records.append(
                {
                    "domain": domain,
                    "kind": kind,
                    "address": address,
                    "port": port,
                    "verificationEmail": email,
                    "time": rfc3339(precise=True),
                    "_version": version,
                    "_value": value,
                    "_at": self.clock(),
                }
            )

    def allows(self, domain: str, kind: str, field: str, email: str) -> bool:
        entries = addresses.parse_field(field)
        oldest = self.clock() - self.window
        with self._lock:
            for rec in self._records:
                if (
                    rec["domain"] == domain
                    and rec["kind"] == kind
                    and rec["_at"] >= oldest
                    and rec["verificationEmail"].lower() == email.lower()
                    and any(
                        e.contains(rec["_version"], rec["_value"], rec["port"]) for e in entries
                    )
                ):
                    return True
        return False

    def listing(self) -> list[dict]:
        now = self.clock()
        with self._lock:
            return [
                {
                    **{k: v for k, v in rec.items() if not k.startswith("_")},
                    "ageSeconds": round(now - rec["_at"], 3),
                }
                for rec in self._records
            ]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
