# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Writes that race or lose their reply: a PUT applied by the service whose reply is lost is not
written twice, and two runs changing one gateway at once lose neither change."""

from __future__ import annotations

import pytest
from e2e_batch import run_batch
from e2e_cases import case
from e2e_emulator import (
    RequestLog,
    case_domain,
    connection,
    gateway_path,
    probe_options,
    sending_body,
    smtp_target,
)
from e2e_runner import Case, task

SEND = "alimail.gateways.mail_send_gateway"
LOST_UPDATE = "fault-lost-reply-update"
LOST_CREATE = "fault-lost-reply-create"
LOST_STAGED = "fault-lost-reply-staged-save"
LOST = {name: case_domain(name) for name in (LOST_UPDATE, LOST_CREATE, LOST_STAGED)}
RACE_BOTH = case_domain("fault-race-both-changes")
RACE_SAME = case_domain("fault-race-same-change")
# The first PUT of a race sleeps this long in the emulator before it is handled.
RACE_LATENCY = 6.0


@pytest.fixture(scope="module")
def lost_batch(emulators, tmp_path_factory):
    emu = emulators
    accept, other = smtp_target(emu, "accept"), smtp_target(emu, "no_starttls")
    created = {
        "name": "Outbound relay",
        "verification_email": "ops@example.com",
        "enabled": False,
        "allow_private_addresses": True,
        "probe": probe_options(),
    }
    cases = [
        Case(LOST_UPDATE, SEND, {"domain": LOST[LOST_UPDATE], "name": "after"}),
        Case(LOST_CREATE, SEND, {"domain": LOST[LOST_CREATE], "addresses": [accept], **created}),
        Case(
            LOST_STAGED,
            SEND,
            {"domain": LOST[LOST_STAGED], "addresses": [accept, other], **created},
        ),
    ]

    def prepare(emu):
        emu.seed(LOST[LOST_UPDATE], "sending", sending_body(name="before"))
        for domain in LOST.values():
            emu.add_fault(method="PUT", path=gateway_path(domain), drop="after")

    return run_batch(
        emu,
        tmp_path_factory.mktemp("lost-reply"),
        cases,
        prepare=prepare,
        module_defaults={"group/alimail.gateways.all": connection(emu)},
        label="lost-reply",
    )


LOST_PARAMS = [
    pytest.param(
        LOST_UPDATE,
        [None, 412],
        id="update",
        marks=case(
            LOST_UPDATE,
            "PUT with If-Match applied, its reply lost (connection closed)",
            "the retry meets 412, the re-read finds the change: success, no second write",
        ),
    ),
    pytest.param(
        LOST_CREATE,
        [None, 428],
        id="create",
        marks=case(
            LOST_CREATE,
            "PUT creating the gateway applied, its reply lost",
            "the retry meets 428, the re-read finds the gateway: success, no second write",
        ),
    ),
    pytest.param(
        LOST_STAGED,
        [None, 428, 200],
        id="staged-save",
        marks=case(
            LOST_STAGED,
            "the first of two staged saves applied, its reply lost",
            "the re-read finds the first save; only the full list is written after it",
        ),
    ),
]


@pytest.mark.parametrize(("case_id", "put_statuses"), LOST_PARAMS)
def test_lost_put_reply_is_not_written_twice(lost_batch, case_id, put_statuses):
    domain = LOST[case_id]
    result = lost_batch.run.case(case_id)
    mine = lost_batch.log.touching(domain)
    shown = "\n".join(mine.lines())
    assert not result.failed, f"{case_id}: the run failed: {result}\n{shown}"
    assert result.result["changed"] is True, f"{case_id}: no change reported"
    puts = mine.where("PUT", gateway_path(domain))
    assert puts.statuses() == put_statuses, f"{case_id}: PUTs {put_statuses} expected:\n{shown}"
    stored = lost_batch.after["gateways"][domain]["sending"]
    expected = {LOST_UPDATE: ("after", 1), LOST_CREATE: ("Outbound relay", 1)}
    name, entries = expected.get(case_id, ("Outbound relay", 2))
    assert stored["name"] == name, f"{case_id}: stored {stored}"
    assert len(stored["gatewayAddress"].split(",")) == entries, f"{case_id}: stored {stored}"


def _race(emu, ansible, domain, a_args, b_args):
    """Start runs A and B together on one gateway; whichever PUTs first is held RACE_LATENCY
    seconds in the emulator, so the other one's read and write happen inside that hold."""
    emu.seed(domain, "sending", sending_body(name="before", verificationEmail="ops@example.com"))
    defaults = {"group/alimail.gateways.all": connection(emu, api_timeout=RACE_LATENCY + 6)}
    emu.add_fault(method="PUT", path=gateway_path(domain), latency=RACE_LATENCY)
    a_task = task("A", SEND, {"domain": domain, **a_args})
    b_task = task("B", SEND, {"domain": domain, **b_args})
    with (
        ansible.start([a_task], label="race-a", module_defaults=defaults) as run_a,
        ansible.start([b_task], label="race-b", module_defaults=defaults) as run_b,
    ):
        result_a, result_b = run_a.wait()["A"], run_b.wait()["B"]
    log = RequestLog(emu.requests()).where("PUT", gateway_path(domain))
    stored = emu.state()["gateways"][domain]["sending"]
    return result_a, result_b, log, stored


@case(
    "fault-race-both-changes",
    "two runs started together change one gateway (name; verification email), "
    f"the first PUT held {RACE_LATENCY:g} s",
    "the held one meets 412, re-reads and applies its change on top: both changes stored",
)
def test_two_runs_at_once_keep_both_changes(emu, ansible):
    email = "other@example.com"
    a, b, puts, stored = _race(
        emu,
        ansible,
        RACE_BOTH,
        {"name": "A"},
        {"verification_email": email, "probe": {"when": "never"}},
    )
    shown = "\n".join(puts.lines())
    assert not a.failed and not b.failed, f"a run failed:\n{a}\n{b}\n{shown}"
    assert (stored["name"], stored["verificationEmail"]) == ("A", email), (
        f"a change was lost: {stored}\n{shown}"
    )
    assert sorted(puts.statuses()) == [200, 200, 412], (
        f"expected one 412 and a write per run (the runs did not overlap?):\n{shown}"
    )


@case(
    "fault-race-same-change",
    f"two runs started together make the same change, the first PUT held {RACE_LATENCY:g} s",
    "the held one meets 412, re-reads and finds nothing left to do: one write",
)
def test_two_runs_with_the_same_change_write_once(emu, ansible):
    a, b, puts, stored = _race(emu, ansible, RACE_SAME, {"name": "same"}, {"name": "same"})
    shown = "\n".join(puts.lines())
    assert not a.failed and not b.failed, f"a run failed:\n{a}\n{b}\n{shown}"
    assert stored["name"] == "same", f"stored {stored}"
    assert sorted(puts.statuses()) == [200, 412], (
        f"expected one write and one 412 (the runs did not overlap?):\n{shown}"
    )
