# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Many cases in one ansible-playbook run: each case a host of its own, on a domain of its own.

A playbook start costs more than most module runs, and many cases mostly wait (for a backoff, a
Retry-After, a timeout), so cases that need no step between them share one run, several hosts
at a time; each test then reads its own host's result, its domain's requests and its stored
gateway.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from e2e_emulator import RequestLog
from e2e_runner import Ansible, Case, PlaybookRun


@dataclass
class Batch:
    run: PlaybookRun
    log: RequestLog
    before: dict
    after: dict
    messages: list[dict]
    state_file_before: bytes
    state_file_after: bytes


def _settle(emu, expected_latency_entries: int, limit: float = 10.0) -> None:
    """Wait until requests delayed by latency faults, still asleep after their client gave up,
    have been handled and logged."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        delayed = [e for e in emu.requests() if e.get("fault") == "latency"]
        if len(delayed) >= expected_latency_entries:
            return
        time.sleep(0.1)


def run_batch(
    emu,
    directory,
    cases: list[Case],
    *,
    prepare=None,
    module_defaults: dict | None = None,
    latency_faults: int = 0,
    label: str = "batch",
) -> Batch:
    """Reset the emulator, let ``prepare(emu)`` seed and inject faults, run the cases."""
    emu.reset()
    if prepare is not None:
        prepare(emu)
    state_file = emu.dir / "state.json"
    before = emu.state()
    file_before = state_file.read_bytes()
    emu.clear_requests()
    run = Ansible(directory).run_cases(cases, label=label, module_defaults=module_defaults)
    _settle(emu, latency_faults)
    return Batch(
        run=run,
        log=RequestLog(emu.requests()),
        before=before,
        after=emu.state(),
        messages=emu.messages(),
        state_file_before=file_before,
        state_file_after=state_file.read_bytes(),
    )
