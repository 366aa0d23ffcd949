# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The service test POST sends a real message, so it is retried only when the reply proves the
service did not start it (429, 503); after any other fault the enable fails and nothing is
written."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from e2e_batch import run_batch
from e2e_cases import case
from e2e_emulator import (
    case_domain,
    connection,
    enable_args,
    gateway_path,
    record,
    service_test_path,
)
from e2e_runner import Case

API_TIMEOUT = 2.0


@dataclass(frozen=True)
class Spec:
    id: str
    fault: dict
    simulated: str
    retried: bool
    domain: str


def _spec(name: str, fault: dict, simulated: str, retried: bool) -> Spec:
    case_id = f"fault-test-post-{name}"
    return Spec(case_id, fault, simulated, retried, case_domain(case_id))


SPECS = [
    _spec("429", {"status": 429, "retryAfter": 1}, "429 Throttling, Retry-After 1", True),
    _spec("503", {"status": 503}, "503 ServiceUnavailable", True),
    _spec("500", {"status": 500}, "500 InternalError", False),
    _spec("502", {"status": 502}, "502 BadGateway", False),
    _spec("504", {"status": 504}, "504 GatewayTimeout", False),
    _spec("drop-before", {"drop": "before"}, "connection closed without a reply", False),
    _spec("reset", {"drop": "reset"}, "connection reset without a reply", False),
    _spec("drop-after", {"drop": "after"}, "test run and message sent, then the reply lost", False),
    _spec(
        "read-timeout",
        {"latency": API_TIMEOUT + 1.0},
        f"reply delayed past api_timeout {API_TIMEOUT:g} s",
        False,
    ),
]
RETRIED = "retried; the gateway is enabled after the second test"
NOT_RETRIED = "not retried (the message may be out); the enable fails, nothing is written"


def _params():
    return [
        pytest.param(
            spec,
            id=spec.id.removeprefix("fault-test-post-"),
            marks=case(
                spec.id,
                f"{spec.simulated} on the service test POST while enabling",
                RETRIED if spec.retried else NOT_RETRIED,
            ),
        )
        for spec in SPECS
    ]


@pytest.fixture(scope="module")
def batch(emulators, tmp_path_factory):
    def prepare(emu):
        for spec in SPECS:
            emu.add_fault(method="POST", path=service_test_path(spec.domain), **spec.fault)

    cases = [
        Case(spec.id, "alimail.gateways.mail_send_gateway", enable_args(emulators, spec.domain))
        for spec in SPECS
    ]
    return run_batch(
        emulators,
        tmp_path_factory.mktemp("faults-test-post"),
        cases,
        prepare=prepare,
        module_defaults={
            "group/alimail.gateways.all": connection(emulators, api_timeout=API_TIMEOUT)
        },
        latency_faults=1,
        label="faults-test-post",
    )


@pytest.mark.parametrize("spec", _params())
def test_service_test_post_is_retried_only_when_it_did_not_run(batch, spec):
    result = batch.run.case(spec.id)
    posts = batch.log.where("POST", service_test_path(spec.domain))
    puts = batch.log.where("PUT", gateway_path(spec.domain))
    shown = "\n".join(batch.log.touching(spec.domain).lines())
    if spec.retried:
        assert not result.failed, f"{spec.id}: the enable failed: {result}\n{shown}"
        assert [e["status"] for e in posts] == [spec.fault["status"], 200], (
            f"{spec.id}: the test POST was not retried once:\n{shown}"
        )
        stored = batch.after["gateways"][spec.domain]["sending"]
        assert stored["enabled"] is True, f"{spec.id}: not enabled after the retried test"
        return
    assert result.failed, f"{spec.id}: the enable went ahead: {result}"
    # The delayed POST is logged once it ran, after its client gave up; it is still one POST.
    assert len(posts) == 1, f"{spec.id}: the test POST was sent more than once:\n{shown}"
    assert len(puts) == 0, f"{spec.id}: a write followed a failed test:\n{shown}"
    assert record(batch.after, spec.domain) is None, f"{spec.id}: a gateway was stored"
    path = service_test_path(spec.domain)
    assert f"POST {path}" in result.msg, f"{spec.id}: the message names no request: {result.msg}"
    # One attempt, on purpose: the hint must not blame retries or the connection settings.
    assert "the service test is not sent again by itself" in result.msg, result.msg
    assert "api_retries" not in result.msg and "check api_url" not in result.msg, result.msg
    tested = [
        m
        for m in batch.messages
        if (m["subject"] or "").startswith(f"Alibaba Mail gateway test for {spec.domain}")
    ]
    if spec.fault.get("drop") == "after":
        # Why the POST is not repeated: the lost reply's test did run and sent its message.
        assert len(tested) == 1, f"{spec.id}: the service test message is missing: {tested}"
    if "status" in spec.fault:
        assert not tested, f"{spec.id}: a refused test still sent mail: {tested}"
        assert f"returned {spec.fault['status']}" in result.msg, (
            f"{spec.id}: the message names no status: {result.msg}"
        )
        request_id = posts.entries[0]["requestId"]
        assert request_id in result.msg, f"{spec.id}: no requestId {request_id}: {result.msg}"
    else:
        assert "without a reply" in result.msg, f"{spec.id}: {result.msg}"
