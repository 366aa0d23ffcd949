# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The /_emulator/ endpoints: request log, reset, state read/seed/unseed, and that concurrent
writers are serialised (one lock around read-check-write)."""

from __future__ import annotations

import threading

import pytest
from alimail_emulator.harness import EmulatorError, Emulators
from emu_support import NO_SMTP, Api, sending


def test_request_log_records_contract_calls_only(api, emu):
    emu.clear_requests()
    api.get()
    created = api.put(sending())
    api.put(sending(), etag='"stale"')
    emu.health()
    emu.state()
    log = emu.requests()
    assert [(r["method"], r["path"], r["status"], r["code"]) for r in log] == [
        ("GET", "/v2/domains/example.com/gateways/sending", 404, "GatewayNotFound"),
        ("PUT", "/v2/domains/example.com/gateways/sending", 200, None),
        ("PUT", "/v2/domains/example.com/gateways/sending", 412, "PreconditionFailed"),
    ]
    assert log[1]["requestId"] == created.headers["x-request-id"]
    assert [r["seq"] for r in log] == sorted(r["seq"] for r in log)
    assert all(r["time"].endswith("Z") for r in log)
    emu.clear_requests()
    assert emu.requests() == []


def test_request_log_counts_token_requests(emu):
    emu.clear_requests()
    emu.token()
    emu.token()
    assert [(r["method"], r["path"]) for r in emu.requests()] == [
        ("POST", "/oauth2/v2.0/token"),
        ("POST", "/oauth2/v2.0/token"),
    ]


def test_request_log_never_holds_secrets(api, emu):
    api.get()
    text = repr(emu.requests())
    assert emu.client_secret not in text
    assert api.token not in text


def test_reset_clears_everything(api, emu):
    api.put(sending())
    api.test(api.smtp("accept"))
    emu.add_fault(path="/nothing", status=500)
    emu.reset()
    assert emu.state()["gateways"] == {}
    assert emu.requests() == []
    assert emu.faults() == []
    assert emu.tests() == []
    assert emu.messages() == []
    assert api.get().json()["code"] == "InvalidToken"


def test_state_seed_and_unseed(api, emu):
    body, etag = emu.seed("example.org", "sending", sending(updatedAt="2026-01-02T03:04:05Z"))
    assert body["updatedAt"] == "2026-01-02T03:04:05Z"
    stored = emu.state()["gateways"]["example.org"]["sending"]
    assert stored["gatewayAddress"] == "127.0.0.1"
    assert stored["etag"] == etag
    read = api.get(domain="example.org")
    assert read.json() == body
    assert read.etag == etag
    emu.unseed("example.org", "sending")
    assert api.get(domain="example.org").status == 404
    emu.unseed("example.org", "sending")  # removing what is absent is fine


def test_seed_bypasses_the_guard_but_not_validation(emu):
    body = emu.seed("example.com", "sending", sending(enabled=True))[0]
    assert body["enabled"] is True
    with pytest.raises(EmulatorError, match="400"):
        emu.seed("example.com", "sending", sending(name=""))
    with pytest.raises(EmulatorError, match="404"):
        emu.seed("unknown.example", "sending", sending())
    # Any organisation's domain can be seeded.
    emu.seed("example.net", "sending", sending())


def test_unknown_emulator_endpoint(emu):
    with pytest.raises(EmulatorError, match="404"):
        emu._call("GET", "nothing")


def test_concurrent_writers_with_one_etag_one_wins(api, emu):
    etag = api.put(sending()).etag
    statuses = []
    barrier = threading.Barrier(8)

    def writer(n):
        client = Api(emu)
        barrier.wait()
        statuses.append(client.put(sending(name=f"writer {n}"), etag=etag).status)
        client.http.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [412] * 7


def test_concurrent_creators_one_wins(emu):
    statuses = []
    barrier = threading.Barrier(6)

    def creator(n):
        client = Api(emu)
        barrier.wait()
        statuses.append(client.put(sending(name=f"creator {n}")).status)
        client.http.close()

    threads = [threading.Thread(target=creator, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [428] * 5


def test_initial_gateways_from_config_and_reset_restores_them(tmp_path):
    config = {
        **NO_SMTP,
        "gateways": {"example.org": {"receiving": _receiving_body()}},
    }
    with Emulators(tmp_path, config=config) as emu:
        api = Api(emu)
        initial = api.get("receiving", "example.org")
        assert initial.status == 200
        assert initial.json()["enabled"] is True
        api.delete("receiving", "example.org", etag=initial.etag)
        emu.reset()
        api.token = emu.token()  # a reset forgets issued tokens
        again = api.get("receiving", "example.org")
        assert again.json() == initial.json()
        # A reset gives new ETags: one read before it never matches again.
        assert again.etag != initial.etag
        api.http.close()


def _receiving_body():
    return {
        "name": "Seeded",
        "ingressAddress": "127.0.0.1",
        "egressAddress": "127.0.0.2",
        "verificationEmail": "ops@example.org",
        "enabled": True,
        "updatedAt": "2026-01-01T00:00:00Z",
    }
