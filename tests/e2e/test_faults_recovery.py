# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GET, PUT with If-Match and DELETE survive every transient fault of the API: the module run
succeeds, the write is applied exactly once, and a 429's Retry-After is waited out."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from e2e_batch import run_batch
from e2e_cases import case
from e2e_emulator import case_domain, connection, gateway_path, record, sending_body
from e2e_runner import Case

API_TIMEOUT = 1.0
# Past api_timeout, so the client gives up on the reply and sends the request again.
LATENCY = 1.6
RETRY_AFTER = 1

FAULTS = {
    "429": (
        {"status": 429, "retryAfter": RETRY_AFTER},
        f"429 Throttling, Retry-After {RETRY_AFTER}",
    ),
    "500": ({"status": 500}, "500 InternalError"),
    "502": ({"status": 502}, "502 BadGateway"),
    "503": ({"status": 503}, "503 ServiceUnavailable"),
    "504": ({"status": 504}, "504 GatewayTimeout"),
    "drop-before": ({"drop": "before"}, "connection closed before the request is processed"),
    "reset": ({"drop": "reset"}, "connection reset (RST) before the request is processed"),
    "drop-after": ({"drop": "after"}, "request processed, then the connection closed unanswered"),
    "read-timeout": (
        {"latency": LATENCY},
        f"reply delayed {LATENCY} s, past api_timeout {API_TIMEOUT} s",
    ),
}
OUTCOMES = {
    "GET": "read retried; the run succeeds and its one write is applied",
    "PUT": "PUT with If-Match retried; the change is stored exactly once",
    "DELETE": "DELETE with If-Match retried; the gateway is gone, deleted once",
}
WRITE_STATUS = {"PUT": 200, "DELETE": 204}


@dataclass(frozen=True)
class Spec:
    id: str
    method: str
    fault: str
    domain: str

    @property
    def path(self) -> str:
        return gateway_path(self.domain)


def _spec(method: str, fault: str) -> Spec:
    case_id = f"fault-{method.lower()}-{fault}"
    return Spec(case_id, method, fault, case_domain(case_id))


def _specs(method: str) -> list[Spec]:
    # A PUT whose reply is lost is a case of its own (test_faults_writes.py).
    return [_spec(method, f) for f in FAULTS if not (method == "PUT" and f == "drop-after")]


SPECS = {method: _specs(method) for method in OUTCOMES}


def _params(method: str):
    return [
        pytest.param(
            spec,
            id=spec.fault,
            marks=case(
                spec.id,
                f"{FAULTS[spec.fault][1]} on the first {method}",
                OUTCOMES[method],
            ),
        )
        for spec in SPECS[method]
    ]


def _case(spec: Spec) -> Case:
    args = {"domain": spec.domain}
    if spec.method == "DELETE":
        args["state"] = "absent"
    else:
        args["name"] = "after"
    if spec.fault == "read-timeout":
        args["api_timeout"] = API_TIMEOUT
    return Case(spec.id, "alimail.gateways.mail_send_gateway", args)


def _batch(emulators, tmp_path_factory, method):
    specs = SPECS[method]

    def prepare(emu):
        for spec in specs:
            emu.seed(spec.domain, "sending", sending_body(name="before"))
            emu.add_fault(method=method, path=spec.path, **FAULTS[spec.fault][0])

    defaults = {"group/alimail.gateways.all": connection(emulators)}
    return run_batch(
        emulators,
        tmp_path_factory.mktemp(f"faults-{method.lower()}"),
        [_case(spec) for spec in specs],
        prepare=prepare,
        module_defaults=defaults,
        latency_faults=sum(1 for spec in specs if spec.fault == "read-timeout"),
        label=f"faults-{method.lower()}",
    )


def _check_recovered(batch, spec: Spec) -> None:
    result = batch.run.case(spec.id)
    requests = batch.log.where(path=spec.path)
    shown = "\n".join(requests.lines())
    assert not result.failed, f"{spec.id}: the run failed: {result}\nrequests:\n{shown}"
    assert result.result["changed"] is True, f"{spec.id}: no change reported: {result}"
    faulted = [e for e in requests if e.get("fault")]
    assert len(faulted) == 1, f"{spec.id}: the fault was not met exactly once:\n{shown}"
    tried = requests.where(method=spec.method)
    assert 2 <= len(tried) <= 3, (
        f"{spec.id}: {spec.method} not retried within api_retries:\n{shown}"
    )
    if spec.method in WRITE_STATUS:
        # A write dropped after processing is applied, though logged without a status.
        applied = [
            e
            for e in tried
            if e["status"] == WRITE_STATUS[spec.method] or e.get("fault") == "drop-after"
        ]
        assert len(applied) == 1, f"{spec.id}: the write was not applied exactly once:\n{shown}"
    if spec.fault == "429":
        first, retry = tried.entries[0], tried.entries[1]
        waited = batch.log.gap(first, retry)
        # The log keeps milliseconds; the wait itself is at least Retry-After.
        assert waited >= RETRY_AFTER - 0.002, f"{spec.id}: retried after {waited:.3f} s only"


@pytest.fixture(scope="module")
def get_batch(emulators, tmp_path_factory):
    return _batch(emulators, tmp_path_factory, "GET")


# One class per batch: each class runs on one worker, so its batch runs once.
class TestGet:
    @pytest.mark.parametrize("spec", _params("GET"))
    def test_get_recovers(self, get_batch, spec):
        batch = get_batch
        _check_recovered(batch, spec)
        stored = batch.after["gateways"][spec.domain]["sending"]
        assert stored["name"] == "after", f"{spec.id}: the change after the read is missing"


@pytest.fixture(scope="module")
def put_batch(emulators, tmp_path_factory):
    return _batch(emulators, tmp_path_factory, "PUT")


# One class per batch: each class runs on one worker, so its batch runs once.
class TestPut:
    @pytest.mark.parametrize("spec", _params("PUT"))
    def test_put_recovers(self, put_batch, spec):
        batch = put_batch
        _check_recovered(batch, spec)
        stored = batch.after["gateways"][spec.domain]["sending"]
        assert stored["name"] == "after", f"{spec.id}: the change is not stored"
        old = batch.before["gateways"][spec.domain]["sending"]["etag"]
        assert stored["etag"] != old, f"{spec.id}: the ETag did not change"


@pytest.fixture(scope="module")
def delete_batch(emulators, tmp_path_factory):
    return _batch(emulators, tmp_path_factory, "DELETE")


# One class per batch: each class runs on one worker, so its batch runs once.
class TestDelete:
    @pytest.mark.parametrize("spec", _params("DELETE"))
    def test_delete_recovers(self, delete_batch, spec):
        batch = delete_batch
        _check_recovered(batch, spec)
        assert record(batch.after, spec.domain) is None, f"{spec.id}: the gateway is still there"
