# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""When the faults outlast api_retries: a clear failure naming the request, the last status
and its requestId, after exactly api_retries attempts, and the stored gateway untouched."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from e2e_batch import run_batch
from e2e_cases import case
from e2e_emulator import case_domain, connection, gateway_path, record, sending_body
from e2e_runner import Case

RETRIES = 3
API_TIMEOUT = 1.0


@dataclass(frozen=True)
class Spec:
    id: str
    method: str
    fault: dict
    simulated: str
    expect: str  # in the failure message, after the request
    domain: str


def _spec(name, method, fault, simulated, expect) -> Spec:
    case_id = f"fault-exhausted-{name}"
    return Spec(case_id, method, fault, simulated, expect, case_domain(case_id))


SPECS = [
    _spec("get-503", "GET", {"status": 503}, "503 on every GET", "returned 503 ServiceUnavailable"),
    _spec("put-500", "PUT", {"status": 500}, "500 on every PUT", "returned 500 InternalError"),
    _spec(
        "delete-502", "DELETE", {"status": 502}, "502 on every DELETE", "returned 502 BadGateway"
    ),
    _spec(
        "get-429",
        "GET",
        {"status": 429, "retryAfter": 0.3},
        "429 with Retry-After 0.3 on every GET",
        "returned 429 Throttling",
    ),
    _spec(
        "get-read-timeout",
        "GET",
        {"latency": API_TIMEOUT + 1.0},
        f"every GET's reply later than api_timeout {API_TIMEOUT:g} s",
        f"failed without a reply (request to 127.0.0.1:PORT failed: no reply within {API_TIMEOUT:g} s)",
    ),
    _spec(
        "get-reset",
        "GET",
        {"drop": "reset"},
        "every GET's connection reset",
        "failed without a reply (request to 127.0.0.1:PORT failed: connection reset)",
    ),
]
REFUSED = "fault-exhausted-refused"
OUTCOME = (
    f"fails after {RETRIES} attempts (api_retries) naming the request, the last status and its "
    "requestId; the stored gateway is unchanged"
)


def _params():
    params = [
        pytest.param(
            spec,
            id=spec.id.removeprefix("fault-exhausted-"),
            marks=case(spec.id, spec.simulated, OUTCOME),
        )
        for spec in SPECS
    ]
    return params


def _args(spec: Spec) -> dict:
    if spec.method == "DELETE":
        return {"domain": spec.domain, "state": "absent"}
    args = {"domain": spec.domain, "name": "after"}
    if "latency" in spec.fault:
        args["api_timeout"] = API_TIMEOUT
    return args


@pytest.fixture(scope="module")
def batch(emulators, tmp_path_factory, closed_port):
    def prepare(emu):
        for spec in SPECS:
            emu.seed(spec.domain, "sending", sending_body(name="before"))
            emu.add_fault(
                method=spec.method, path=gateway_path(spec.domain), count=RETRIES, **spec.fault
            )

    cases = [Case(spec.id, "alimail.gateways.mail_send_gateway", _args(spec)) for spec in SPECS]
    refused = {"domain": "example.com", "name": "x", "api_url": f"http://127.0.0.1:{closed_port}"}
    cases.append(Case(REFUSED, "alimail.gateways.mail_send_gateway", refused))
    return run_batch(
        emulators,
        tmp_path_factory.mktemp("faults-exhausted"),
        cases,
        prepare=prepare,
        module_defaults={"group/alimail.gateways.all": connection(emulators, api_retries=RETRIES)},
        latency_faults=RETRIES,
        label="faults-exhausted",
    )


@pytest.mark.parametrize("spec", _params())
def test_exhausted_retries_fail_clearly_and_change_nothing(batch, spec, emulators):
    result = batch.run.case(spec.id)
    path = gateway_path(spec.domain)
    tried = batch.log.where(spec.method, path)
    shown = "\n".join(batch.log.touching(spec.domain).lines())
    assert result.failed, f"{spec.id}: the run did not fail: {result}"
    assert len(tried) == RETRIES, f"{spec.id}: not {RETRIES} attempts:\n{shown}"
    assert record(batch.after, spec.domain) == record(batch.before, spec.domain), (
        f"{spec.id}: the stored gateway changed"
    )
    port = emulators.api_url.rpartition(":")[2]
    expected = f"{spec.method} {path} {spec.expect.replace('PORT', port)}"
    assert expected in result.msg, f"{spec.id}: {expected!r} not in {result.msg!r}"
    assert f"after {RETRIES} attempts" in result.msg, f"{spec.id}: attempts not named: {result.msg}"
    if "status" in spec.fault:
        last = tried.entries[-1]["requestId"]
        assert f"(requestId {last})" in result.msg, f"{spec.id}: not the last requestId {last}"
    if spec.method != "GET":
        assert "nothing was written" in result.msg, f"{spec.id}: {result.msg}"


@case(
    REFUSED,
    "api_url at a loopback port nothing listens on: every connection refused",
    f"fails after {RETRIES} attempts naming the token request and the refusal",
)
def test_refused_connections_fail_after_api_retries(batch, closed_port):
    result = batch.run.case(REFUSED)
    assert result.failed, f"the run did not fail: {result}"
    expected = (
        "POST /oauth2/v2.0/token failed without a reply (connecting to "
        f"127.0.0.1:{closed_port} failed: connection refused) after {RETRIES} attempts"
    )
    assert expected in result.msg, f"{expected!r} not in {result.msg!r}"
