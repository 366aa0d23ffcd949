# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The enable guard: enabling needs a recent successful test of an address in the body's
gateway (sending) or ingress (receiving) field, with the same verification email."""

from __future__ import annotations

import time

import pytest
from alimail_emulator.harness import Emulators
from emu_support import NO_SMTP, Api, receiving, sending


def _enable(api, body, kind="sending"):
    current = api.get(kind)
    return api.put(body, kind=kind, etag=current.etag if current.status == 200 else None)


def test_enabling_without_a_test_is_refused(api):
    reply = api.put(sending(enabled=True))
    assert (reply.status, reply.json()["code"]) == (409, "GatewayNotVerified")
    assert "gatewayAddress" in reply.json()["message"]
    assert "in the last 15 minutes" in reply.json()["message"]
    assert api.get().status == 404


def test_enabling_after_a_successful_test(api):
    address = api.smtp("accept")
    assert api.test(address).json()["success"] is True
    reply = api.put(sending(gatewayAddress=address, enabled=True))
    assert reply.status == 200
    assert reply.json()["enabled"] is True


def test_a_tested_address_inside_a_range_or_cidr_counts(api):
    port = api.emu.smtp_ports["accept"]
    assert api.test(f"127.0.0.1:{port}").json()["success"]
    for field in ("127.0.0.0/30", "127.0.0.1-127.0.0.3", f"127.0.0.5, 127.0.0.1:{port}"):
        api.emu.unseed("example.com", "sending")
        assert api.put(sending(gatewayAddress=field, enabled=True)).status == 200, field


@pytest.mark.parametrize(
    ("field", "email"),
    [
        ("127.0.0.2", "ops@example.com"),  # tested address not in the body's field
        ("127.0.0.1:2526", "ops@example.com"),  # the entry names another port than tested
        ("127.0.0.1", "other@example.com"),  # another verification email
    ],
    ids=["other-address", "other-port", "other-email"],
)
def test_a_test_that_does_not_match_the_body_does_not_count(api, field, email):
    assert api.test(api.smtp("accept")).json()["success"]
    reply = api.put(sending(gatewayAddress=field, verificationEmail=email, enabled=True))
    assert reply.json()["code"] == "GatewayNotVerified"


def test_a_test_for_another_direction_or_domain_does_not_count(api):
    address = api.smtp("accept")
    assert api.test(address, kind="receiving").json()["success"]
    assert api.test(address, domain="example.org").json()["success"]
    assert api.put(sending(gatewayAddress=address, enabled=True)).status == 409


def test_a_failed_test_does_not_count(api):
    address = api.smtp("reject_rcpt")
    assert api.test(address).json()["success"] is False
    assert api.put(sending(gatewayAddress=address, enabled=True)).status == 409


def test_receiving_is_guarded_by_its_ingress_field(api):
    ingress = api.smtp("accept")
    assert api.test(ingress, kind="receiving").json()["success"]
    body = receiving(ingressAddress="127.0.0.9", egressAddress=ingress, enabled=True)
    assert api.put(body, kind="receiving").status == 409
    body = receiving(ingressAddress=ingress, enabled=True)
    assert api.put(body, kind="receiving").status == 200


def test_already_enabled_with_the_same_entries_needs_no_new_test(api, emu):
    etag = emu.seed("example.com", "sending", sending(gatewayAddress="127.0.0.1", enabled=True))[1]
    # Same entries in another spelling, other name and email: no test needed.
    body = sending(gatewayAddress=" 127.0.0.1 ", name="Renamed", verificationEmail="x@example.com")
    reply = api.put({**body, "enabled": True}, etag=etag)
    assert reply.status == 200
    # New entries on an enabled gateway need a test again.
    body = sending(gatewayAddress="127.0.0.1, 127.0.0.7", enabled=True)
    assert api.put(body, etag=reply.etag).json()["code"] == "GatewayNotVerified"


def test_disabled_gateway_with_same_entries_still_needs_a_test(api, emu):
    etag = emu.seed("example.com", "sending", sending(enabled=False))[1]
    assert api.put(sending(enabled=True), etag=etag).status == 409


def test_disabling_is_never_guarded(api, emu):
    etag = emu.seed("example.com", "sending", sending(enabled=True))[1]
    assert api.put(sending(gatewayAddress="127.0.0.9", enabled=False), etag=etag).status == 200


def test_successful_tests_are_listed(api, emu):
    api.test(api.smtp("accept"))
    api.test(api.smtp("reject_rcpt"))
    tests = emu.tests()
    assert len(tests) == 1
    assert tests[0]["domain"] == "example.com"
    assert tests[0]["kind"] == "sending"
    assert tests[0]["port"] == emu.smtp_ports["accept"]


def test_a_test_older_than_the_window_no_longer_counts(tmp_path):
    config = {**NO_SMTP, "testWindowSeconds": 1, "tokenLifetimeSeconds": 1}
    with Emulators(tmp_path, config=config) as emu:
        api = Api(emu)
        address = api.smtp("accept")
        assert api.test(address).json()["success"]
        assert api.put(sending(gatewayAddress=address, enabled=False)).status == 200
        assert _enable(api, sending(gatewayAddress=address, enabled=True)).status == 200
        emu.unseed("example.com", "sending")
        time.sleep(1.1)
        # The token has expired on its own by now, too.
        assert api.get().json()["code"] == "InvalidToken"
        api.token = emu.token()
        reply = api.put(sending(gatewayAddress=address, enabled=True))
        assert reply.json()["code"] == "GatewayNotVerified"
        assert "in the last 1 seconds" in reply.json()["message"]
        api.http.close()
