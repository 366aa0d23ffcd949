# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pre-flight probe module under every failure mode: the verdict the gateway modules get,
a failed task for a failed target, and never a request to the API."""

from __future__ import annotations

import pytest
from e2e_batch import run_batch
from e2e_cases import case
from e2e_emulator import PROBE_TIMEOUT
from e2e_probe_modes import MODES
from e2e_runner import COLLECTION_ROOT, Case

MODULE = "alimail.gateways.mail_gateway_probe"
PRESENT = (COLLECTION_ROOT / "plugins" / "modules" / "mail_gateway_probe.py").is_file()
TASK_MARGIN = 15.0
pytestmark = pytest.mark.skipif(not PRESENT, reason=f"{MODULE} is not in this tree")


def _params():
    return [
        pytest.param(
            mode,
            id=mode.name,
            marks=case(
                f"probe-module-{mode.name}",
                f"{mode.simulated}, probed by {MODULE}",
                (
                    "the task passes with the target at done"
                    if mode.ok
                    else f"the task fails with the target ok false at {mode.stage}"
                    + (f" {mode.code}" if mode.code else "")
                    + "; no API request"
                ),
            ),
        )
        for mode in MODES
    ]


@pytest.fixture(scope="module")
def batch(emulators, tmp_path_factory, closed_port):
    emu = emulators
    cases = [
        Case(
            f"probe-module-{mode.name}",
            MODULE,
            {
                "domain": "example.com",
                "addresses": [mode.target(emu, closed_port)],
                "verification_email": "ops@example.com",
                "allow_private_addresses": True,
                "probe": mode.probe_options(emu),
            },
        )
        for mode in MODES
        if mode.available(emu)
    ]
    return run_batch(emu, tmp_path_factory.mktemp("probe-module"), cases, label="probe-module")


@pytest.mark.parametrize("mode", _params())
def test_probe_module_reports_each_failure_mode(batch, mode, emulators):
    if not mode.available(emulators):
        pytest.skip(f"this host has no IPv6 loopback for {mode.listener}")
    case_id = f"probe-module-{mode.name}"
    result = batch.run.case(case_id)
    targets = result.result.get("probe", {}).get("targets", [])
    assert len(targets) == 1, f"{case_id}: one target expected: {result}"
    problems = mode.check(targets[0])
    assert not problems, f"{case_id}: {'; '.join(problems)}: {targets[0]}"
    assert result.failed is not mode.ok, f"{case_id}: task status {result.status}: {result}"
    assert result.elapsed < PROBE_TIMEOUT + TASK_MARGIN, f"{case_id}: took {result.elapsed:.1f} s"
    if not mode.ok:
        assert f"at {mode.stage}" in result.msg, f"{case_id}: message: {result.msg}"
    assert len(batch.log) == 0, f"the probe module called the API: {batch.log.lines()}"
