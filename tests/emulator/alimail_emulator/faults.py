# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults injected into the next N contract requests that match a method and a path glob."""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass

DROP_MODES = (None, "before", "after", "reset")
DEFAULT_CODES = {
    400: "InvalidParameter",
    401: "InvalidToken",
    404: "NotFound",
    409: "Conflict",
    412: "PreconditionFailed",
    428: "PreconditionRequired",
    429: "Throttling",
    500: "InternalError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}
_UNSET = object()
_FIELDS = ("method", "path", "count", "status", "code", "message", "retryAfter", "latency", "drop")


@dataclass
class Fault:
    method: str = "*"
    path: str = "*"
    count: int = 1
    status: int | None = None
    code: str | None = None
    message: str | None = None
    retryAfter: int | float | None = None
    latency: float = 0.0
    drop: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return fnmatch.fnmatchcase(method.upper(), self.method.upper()) and fnmatch.fnmatchcase(
            path, self.path
        )

    @property
    def error_code(self) -> str:
        return self.code or DEFAULT_CODES.get(self.status, "InjectedFault")


def parse_fault(spec) -> Fault:
    """Build a Fault from a POST /_emulator/faults body; ValueError names the bad field."""
    if not isinstance(spec, dict):
        raise ValueError("the fault must be a JSON object")
    unknown = sorted(set(spec) - set(_FIELDS))
    if unknown:
        raise ValueError(f"unknown fault field(s): {', '.join(unknown)}")
    fault = Fault(**{k: v for k, v in spec.items() if k != "retryAfter"})
    if not isinstance(fault.method, str) or not isinstance(fault.path, str):
        raise ValueError("method and path must be strings (fnmatch patterns)")
    if not isinstance(fault.count, int) or isinstance(fault.count, bool) or fault.count < 1:
        raise ValueError("count must be an integer of 1 or more")
    if fault.status is not None and (
        not isinstance(fault.status, int) or not 400 <= fault.status <= 599
    ):
        raise ValueError("status must be an HTTP error status (400-599)")
    if not isinstance(fault.latency, int | float) or fault.latency < 0:
        raise ValueError("latency must be a number of seconds, 0 or more")
    if fault.drop not in DROP_MODES:
        raise ValueError("drop must be null, 'before', 'after' or 'reset'")
    if fault.status is None and not fault.latency and fault.drop is None:
        raise ValueError("a fault needs a status, a latency or a drop")
    retry_after = spec.get("retryAfter", _UNSET)
    if retry_after is _UNSET:
        # Throttling always names a wait unless the test asks for none with an explicit null.
        retry_after = 1 if fault.status == 429 else None
    if retry_after is not None and (not isinstance(retry_after, int | float) or retry_after < 0):
        raise ValueError("retryAfter must be a number of seconds or null")
    fault.retryAfter = retry_after
    return fault


class FaultTable:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """The first pending fault for this request, counted down by one."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
