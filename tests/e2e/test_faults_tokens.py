# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The access token under faults: a token refused mid-run costs exactly one new token and one
retry, never a loop; the token request itself is retried like a GET.

Token requests name no domain, so these cases run one after another in one playbook and each
is told apart by the time its task ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from e2e_cases import case
from e2e_emulator import (
    TOKEN_PATH,
    RequestLog,
    case_domain,
    connection,
    gateway_path,
    record,
    sending_body,
)
from e2e_runner import Ansible, task


@dataclass(frozen=True)
class Spec:
    id: str
    simulated: str
    outcome: str
    domain: str
    # Injected before the playbook starts; "late" ones by the playbook just before the task.
    faults: list = field(default_factory=list)
    late: list = field(default_factory=list)
    args: dict = field(default_factory=dict)


def _spec(name, simulated, outcome, **kw) -> Spec:
    case_id = f"fault-token-{name}"
    return Spec(case_id, simulated, outcome, case_domain(case_id), **kw)


def _on(method, spec_domain, **fault):
    return {"method": method, "path": gateway_path(spec_domain), **fault}


_D = {n: case_domain(f"fault-token-{n}") for n in ("get-401", "put-401", "get-401-twice")}
SPECS = [
    _spec(
        "endpoint-503",
        "503 on the token request",
        "token request retried; the run succeeds",
        faults=[{"method": "POST", "path": TOKEN_PATH, "status": 503}],
    ),
    _spec(
        "get-401",
        "401 InvalidToken on the GET, once",
        "exactly one new token and one retried GET; the run succeeds",
        faults=[_on("GET", _D["get-401"], status=401, code="InvalidToken")],
    ),
    _spec(
        "put-401",
        "401 InvalidToken on the PUT, once",
        "exactly one new token and one retried PUT; the change is stored once",
        faults=[_on("PUT", _D["put-401"], status=401, code="InvalidToken")],
    ),
    _spec(
        "get-401-twice",
        "401 InvalidToken on the GET, twice",
        "one new token only, then a clear failure; no loop, nothing written",
        faults=[_on("GET", _D["get-401-twice"], status=401, code="InvalidToken", count=2)],
    ),
    _spec(
        "endpoint-exhausted",
        "503 on every token request",
        "api_retries token attempts, then a failure naming the request; nothing written",
        # As many as api_retries (3): the next task's token request is not faulted.
        late=[{"method": "POST", "path": TOKEN_PATH, "status": 503, "count": 3}],
    ),
    _spec(
        "invalid-client",
        "401 InvalidClient (wrong client secret)",
        "one token attempt, no retry; the failure says to check the credentials",
        args={"client_secret": "not-the-secret"},
    ),
]


def _params():
    return [
        pytest.param(
            spec,
            id=spec.id.removeprefix("fault-token-"),
            marks=case(spec.id, spec.simulated, spec.outcome),
        )
        for spec in SPECS
    ]


def _add_fault_task(emu, name: str, fault: dict) -> dict:
    return task(
        name,
        "ansible.builtin.uri",
        {
            "url": f"{emu.api_url}/_emulator/faults",
            "method": "POST",
            "body_format": "json",
            "body": fault,
            "status_code": 201,
        },
        ignore_errors=False,
    )


@pytest.fixture(scope="module")
def token_run(emulators, tmp_path_factory):
    emu = emulators
    emu.reset()
    tasks = []
    for spec in SPECS:
        emu.seed(spec.domain, "sending", sending_body(name="before"))
        for fault in spec.faults:
            emu.add_fault(**fault)
        for number, fault in enumerate(spec.late):
            tasks.append(_add_fault_task(emu, f"{spec.id} fault {number}", fault))
        args = {"domain": spec.domain, "name": "after", **spec.args}
        tasks.append(task(spec.id, "alimail.gateways.mail_send_gateway", args))
    before = emu.state()
    emu.clear_requests()
    run = Ansible(tmp_path_factory.mktemp("faults-token")).run(
        tasks,
        label="faults-token",
        module_defaults={"group/alimail.gateways.all": connection(emu)},
    )
    return run, RequestLog(emu.requests()), before, emu.state()


@pytest.mark.parametrize("spec", _params())
def test_token_faults(token_run, spec):
    run, log, before, after = token_run
    result = run[spec.id]
    mine = log.during(result)
    shown = "\n".join(mine.lines())
    tokens = mine.where("POST", TOKEN_PATH)
    path = gateway_path(spec.domain)
    gets, puts = mine.where("GET", path), mine.where("PUT", path)
    name = spec.id.removeprefix("fault-token-")
    unchanged = record(after, spec.domain) == record(before, spec.domain)
    if name in ("get-401-twice", "endpoint-exhausted", "invalid-client"):
        assert result.failed, f"{spec.id}: the run did not fail: {result}"
        assert len(puts) == 0 and unchanged, f"{spec.id}: something was written:\n{shown}"
    else:
        assert not result.failed, f"{spec.id}: the run failed: {result}\n{shown}"
        assert after["gateways"][spec.domain]["sending"]["name"] == "after", spec.id
        assert puts.statuses().count(200) == 1, f"{spec.id}: not written once:\n{shown}"
    expected = {
        "endpoint-503": ([503, 200], [200], [200]),
        "get-401": ([200, 200], [401, 200], [200]),
        "put-401": ([200, 200], [200], [401, 200]),
        "get-401-twice": ([200, 200], [401, 401], []),
        "endpoint-exhausted": ([503, 503, 503], [], []),
        "invalid-client": ([401], [], []),
    }[name]
    assert (tokens.statuses(), gets.statuses(), puts.statuses()) == expected, (
        f"{spec.id}: token, GET and PUT statuses differ from {expected}:\n{shown}"
    )
    if name == "endpoint-exhausted":
        assert f"POST {TOKEN_PATH} returned 503" in result.msg, result.msg
        assert "after 3 attempts" in result.msg, result.msg
        assert tokens.entries[-1]["requestId"] in result.msg, result.msg
    if name == "get-401-twice":
        assert f"GET {path} returned 401 InvalidToken" in result.msg, result.msg
    if name == "invalid-client":
        assert "check client_id and client_secret" in result.msg, result.msg
        assert "not-the-secret" not in result.msg, f"{spec.id}: the secret is shown"
