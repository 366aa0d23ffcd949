# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fault injection: status (with Retry-After), latency, and the three ways to drop a reply."""

from __future__ import annotations

import http.client
import time

import pytest
from alimail_emulator.harness import EmulatorError
from emu_support import sending

GATEWAY = "/v2/domains/example.com/gateways/sending"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, "InternalError"),
        (502, "BadGateway"),
        (503, "ServiceUnavailable"),
        (504, "GatewayTimeout"),
    ],
)
def test_status_fault_for_the_next_n_matching_requests(api, emu, status, code):
    emu.add_fault(method="GET", path=GATEWAY, status=status, count=2)
    for _attempt in range(2):
        reply = api.get()
        assert (reply.status, reply.json()["code"]) == (status, code)
        assert reply.json()["requestId"] == reply.headers["x-request-id"]
    assert api.get().json()["code"] == "GatewayNotFound"
    assert emu.faults() == []


def test_throttling_carries_retry_after(api, emu):
    emu.add_fault(method="PUT", path="/v2/*", status=429, retryAfter=7)
    emu.add_fault(method="PUT", path="/v2/*", status=429)
    emu.add_fault(method="PUT", path="/v2/*", status=429, retryAfter=None)
    first, second, third = (api.put(sending()) for _attempt in range(3))
    assert (first.status, first.json()["code"], first.headers["retry-after"]) == (
        429,
        "Throttling",
        "7",
    )
    assert second.headers["retry-after"] == "1"
    assert "retry-after" not in third.headers
    assert api.get().status == 404  # nothing was applied
    assert api.put(sending()).status == 200


def test_custom_code_and_message(api, emu):
    emu.add_fault(path=GATEWAY, status=500, code="Boom", message="it broke")
    body = api.get().json()
    assert (body["code"], body["message"]) == ("Boom", "it broke")


def test_method_and_path_globs_select_requests(api, emu):
    emu.add_fault(method="DELETE", path="*", status=503)
    emu.add_fault(method="*", path="/v2/domains/example.org/*", status=500)
    assert api.get().status == 404
    assert api.get(domain="example.org").status == 500
    assert api.get(domain="example.org").status == 404
    assert api.delete().status == 503


def test_token_endpoint_can_fail_too(emu):
    emu.add_fault(method="POST", path="/oauth2/*", status=503)
    with pytest.raises(RuntimeError, match="503"):
        emu.token()
    assert emu.token()


def test_latency_delays_then_handles(api, emu):
    emu.add_fault(method="GET", path=GATEWAY, latency=0.3)
    started = time.monotonic()
    reply = api.get()
    assert time.monotonic() - started >= 0.3
    assert reply.json()["code"] == "GatewayNotFound"


def test_latency_with_status(api, emu):
    emu.add_fault(path=GATEWAY, latency=0.2, status=503)
    started = time.monotonic()
    assert api.get().status == 503
    assert time.monotonic() - started >= 0.2


def test_latency_past_the_client_timeout_is_a_read_timeout(emu):
    emu.add_fault(method="GET", path=GATEWAY, latency=0.5)
    token = emu.token()
    with emu.client(timeout=0.2) as http, pytest.raises(TimeoutError):
        http.request("GET", GATEWAY, token=token)
    # The server still handles the request once the latency is over.
    deadline = time.monotonic() + 3
    while not [r for r in emu.requests() if r["method"] == "GET"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_drop_before_closes_without_reply_and_applies_nothing(api, emu):
    emu.add_fault(method="PUT", path=GATEWAY, drop="before")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        api.put(sending())
    assert api.get().status == 404


def test_drop_after_applies_then_closes_without_reply(api, emu):
    emu.add_fault(method="PUT", path=GATEWAY, drop="after")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        api.put(sending(name="Applied"))
    reply = api.get()
    assert reply.status == 200
    assert reply.json()["name"] == "Applied"
    # A retry without the new ETag now meets 428, as a client that lost the reply would.
    assert api.put(sending(name="Applied")).status == 428


def test_drop_reset_resets_the_connection(api, emu):
    emu.add_fault(method="GET", path=GATEWAY, drop="reset")
    with pytest.raises(ConnectionResetError):
        api.get()
    assert api.get().status == 404


def test_faults_appear_in_the_request_log(api, emu):
    emu.add_fault(method="GET", path=GATEWAY, status=503)
    emu.add_fault(method="GET", path=GATEWAY, drop="before")
    emu.add_fault(method="GET", path=GATEWAY, latency=0.01)
    api.get()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        api.get()
    api.get()
    log = [(r["status"], r["code"], r["fault"]) for r in emu.requests() if r["method"] == "GET"]
    assert log == [
        (503, "ServiceUnavailable", "status"),
        (None, None, "drop-before"),
        (404, "GatewayNotFound", "latency"),
    ]


def test_faults_are_listed_and_cleared(api, emu):
    emu.add_fault(path="/v2/*", status=500, count=3)
    assert [(f["path"], f["count"]) for f in emu.faults()] == [("/v2/*", 3)]
    api.get()
    assert emu.faults()[0]["count"] == 2
    emu.clear_faults()
    assert emu.faults() == []
    assert api.get().status == 404


def test_emulator_endpoints_are_never_faulted(emu):
    emu.add_fault(path="*", status=500)
    assert emu.health() == {"ok": True}
    emu.clear_faults()


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 200},
        {"status": 503, "count": 0},
        {"drop": "sideways"},
        {"latency": -1},
        {"path": "/x"},
        {"status": 503, "colour": "red"},
        {"status": 429, "retryAfter": "soon"},
    ],
)
def test_bad_fault_specs_are_refused(emu, fault):
    with pytest.raises(EmulatorError, match="400"):
        emu.add_fault(**fault)
