# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Enabling a gateway whose address fails the SMTP probe, in every failure mode: ok false with
the right stage, code and text, within the probe timeout, and the stored gateway exactly as it
was, both for an enabled gateway being moved and for a new one being enabled."""

from __future__ import annotations

import pytest
from e2e_batch import run_batch
from e2e_cases import case
from e2e_emulator import (
    PROBE_TIMEOUT,
    case_domain,
    connection,
    enable_args,
    gateway_path,
    record,
    sending_body,
    service_test_path,
    smtp_target,
)
from e2e_probe_modes import MODES
from e2e_runner import Case

# A module run under a loaded CI machine: start-up, token, read, then the probe itself.
TASK_MARGIN = 15.0
SCENARIOS = {
    "moved": "an enabled gateway whose address is changed",
    "new": "a new gateway being enabled",
}
DOMAINS = {(s, m.name): case_domain(f"probe-{s}-{m.name}") for s in SCENARIOS for m in MODES}


def _outcome(mode, scenario: str) -> str:
    if mode.ok:
        return f"probe passes at {mode.stage}; the gateway is tested by the service and enabled"
    code = f" {mode.code}" if mode.code else ""
    kept = "keeps its old, working address" if scenario == "moved" else "is not created"
    return (
        f"ok false at {mode.stage}{code} within the probe timeout; the task fails, nothing is "
        f"written: the gateway {kept}, stored state unchanged"
    )


def _params(scenario: str):
    return [
        pytest.param(
            mode,
            id=mode.name,
            marks=case(
                f"probe-{scenario}-{mode.name}",
                f"{mode.simulated}, for {SCENARIOS[scenario]}",
                _outcome(mode, scenario),
            ),
        )
        for mode in MODES
    ]


def _batch(emu, tmp_path_factory, scenario: str, closed_port: int):
    modes = [m for m in MODES if m.available(emu)]
    cases = []
    for mode in modes:
        domain = DOMAINS[(scenario, mode.name)]
        args = enable_args(emu, domain, probe=mode.probe_options(emu))
        args["addresses"] = [mode.target(emu, closed_port)]
        if scenario == "moved":
            # Options left out keep their stored values: only the address moves.
            args = {k: args[k] for k in ("domain", "addresses", "allow_private_addresses", "probe")}
        cases.append(
            Case(f"probe-{scenario}-{mode.name}", "alimail.gateways.mail_send_gateway", args)
        )

    def prepare(emu):
        if scenario != "moved":
            return
        for mode in modes:
            domain = DOMAINS[(scenario, mode.name)]
            working = sending_body(
                gatewayAddress=smtp_target(emu, "accept"),
                verificationEmail=f"ops@{domain}",
                enabled=True,
            )
            emu.seed(domain, "sending", working)

    return run_batch(
        emu,
        tmp_path_factory.mktemp(f"probe-{scenario}"),
        cases,
        prepare=prepare,
        module_defaults={"group/alimail.gateways.all": connection(emu)},
        label=f"probe-{scenario}",
    )


def _check(batch, scenario: str, mode, emu) -> None:
    if not mode.available(emu):
        pytest.skip(f"this host has no IPv6 loopback for {mode.listener}")
    case_id = f"probe-{scenario}-{mode.name}"
    domain = DOMAINS[(scenario, mode.name)]
    result = batch.run.case(case_id)
    targets = result.result.get("probe", {}).get("targets", [])
    assert len(targets) == 1, f"{case_id}: one target expected: {result}"
    problems = mode.check(targets[0])
    assert not problems, f"{case_id}: {'; '.join(problems)}: {targets[0]}"
    assert result.elapsed < PROBE_TIMEOUT + TASK_MARGIN, (
        f"{case_id}: the task took {result.elapsed:.1f} s"
    )
    mine = batch.log.touching(domain)
    writes = mine.where("PUT", gateway_path(domain))
    tests = mine.where("POST", service_test_path(domain))
    shown = "\n".join(mine.lines())
    if mode.ok:
        assert not result.failed, f"{case_id}: the enable failed: {result}"
        stored = batch.after["gateways"][domain]["sending"]
        assert stored["enabled"] is True, f"{case_id}: not enabled: {stored}"
        moved_to = smtp_target(emu, mode.listener)
        assert stored["gatewayAddress"] == moved_to, f"{case_id}: stored {stored}"
        assert tests.statuses() == [200] and writes.statuses() == [200], (
            f"{case_id}: expected one service test, then one write:\n{shown}"
        )
        return
    assert result.failed, f"{case_id}: the enable went ahead: {result}"
    refusal = "cannot change the enabled gateway" if scenario == "moved" else "cannot enable it"
    where = f"at {mode.stage}"
    assert refusal in result.msg and where in result.msg, f"{case_id}: message: {result.msg}"
    assert len(writes) == 0 and len(tests) == 0, f"{case_id}: a test or write was sent:\n{shown}"
    assert record(batch.after, domain) == record(batch.before, domain), (
        f"{case_id}: the stored gateway changed"
    )
    delivered = [m for m in batch.messages if f"ops@{domain}" in m["rcpt_tos"]]
    assert not delivered, f"{case_id}: a message was delivered: {delivered}"


@pytest.fixture(scope="module")
def moved_batch(emulators, tmp_path_factory, closed_port):
    return _batch(emulators, tmp_path_factory, "moved", closed_port)


@pytest.fixture(scope="module")
def new_batch(emulators, tmp_path_factory, closed_port):
    return _batch(emulators, tmp_path_factory, "new", closed_port)


# One class per batch: each class runs on one worker, so its batch runs once.
class TestMovingAnEnabledGateway:
    @pytest.mark.parametrize("mode", _params("moved"))
    def test_probe_failure_keeps_the_enabled_gateway(self, moved_batch, mode, emulators):
        _check(moved_batch, "moved", mode, emulators)


class TestEnablingANewGateway:
    @pytest.mark.parametrize("mode", _params("new"))
    def test_probe_failure_creates_nothing(self, new_batch, mode, emulators):
        _check(new_batch, "new", mode, emulators)
