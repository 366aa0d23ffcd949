# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test hook that kills the process at a chosen step of a state write.

ALIMAIL_EMULATOR_CRASH_AT=<step>[:<n>] makes the n-th state write (default: the next one) end
the process with os._exit(137) at that step, as a power cut or SIGKILL would; the persistence
test uses it to prove the state file is always either the old or the new state.
"""

from __future__ import annotations

import os
import sys

ENV_VAR = "ALIMAIL_EMULATOR_CRASH_AT"
STEPS = ("before-write", "temp-written", "temp-synced", "renamed", "dir-synced")
EXIT_CODE = 137


class CrashHook:
    def __init__(self, spec: str | None):
        self.step = None
        self.nth = 1
        self.writes = 0
        if not spec:
            return
        step, _colon, nth = spec.partition(":")
        if step not in STEPS:
            raise ValueError(f"{ENV_VAR}={spec!r}: step must be one of {', '.join(STEPS)}")
        if nth and (not nth.isdigit() or int(nth) < 1):
            raise ValueError(f"{ENV_VAR}={spec!r}: the write number must be 1 or more")
        self.step = step
        self.nth = int(nth) if nth else 1

    @classmethod
    def from_env(cls) -> CrashHook:
        return cls(os.environ.get(ENV_VAR))

    def begin_write(self) -> None:
        self.writes += 1

    def reached(self, step: str) -> None:
        if step == self.step and self.writes == self.nth:
            sys.stderr.write(f"crash hook: exiting at {step} of state write {self.writes}\n")
            sys.stderr.flush()
            os._exit(EXIT_CODE)
