# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Helpers shared by the emulator's tests: test configurations, request bodies, and a small
view of the contract over one kept-alive connection."""

from __future__ import annotations

from alimail_emulator.harness import Emulators

DOMAIN = "example.com"
OTHER_ORG_DOMAIN = "example.net"

# Timings small enough that the timeout cases finish in well under a second each.
FAST = {
    "testTimeoutSeconds": 0.5,
    "smtp": {
        "idleTimeoutSeconds": 3,
        "listeners": [
            {"behaviour": "accept"},
            {"name": "accept_v6", "behaviour": "accept", "host": "::1"},
            {"behaviour": "no_starttls"},
            {"behaviour": "tls_required"},
            {"behaviour": "broken_tls"},
            {"behaviour": "banner_421"},
            {"behaviour": "banner_554"},
            {"behaviour": "slow_banner", "bannerDelaySeconds": 1.5},
            {"name": "slow_banner_ok", "behaviour": "slow_banner", "bannerDelaySeconds": 0.1},
            {"behaviour": "silent"},
            {"behaviour": "reject_rcpt"},
            {"behaviour": "temp_fail"},
            {"behaviour": "drop"},
            {"behaviour": "expired_cert"},
            {"behaviour": "wrong_name_cert"},
            {"behaviour": "garbage"},
            {"behaviour": "helo_only"},
            {"behaviour": "starttls_454"},
        ],
    },
}
# For tests that need no SMTP listener: starts faster.
NO_SMTP = {"smtp": {"listeners": [{"behaviour": "accept"}]}}


def sending(**changes) -> dict:
    body = {
        "name": "Outbound DLP",
        "gatewayAddress": "127.0.0.1",
        "verificationEmail": "ops@example.com",
        "enabled": False,
    }
    body.update(changes)
    return body


def receiving(**changes) -> dict:
    body = {
        "name": "Inbound anti-spam",
        "ingressAddress": "127.0.0.1",
        "egressAddress": "127.0.0.2",
        "verificationEmail": "ops@example.com",
        "enabled": False,
    }
    body.update(changes)
    return body


class Api:
    """A test's view of the contract: one kept-alive connection and a token."""

    def __init__(self, emu: Emulators):
        self.emu = emu
        self.http = emu.client()
        self.token = self.http.token(emu.client_id, emu.client_secret)

    def call(self, method, path, body=None, *, headers=None, token=...):
        return self.http.request(
            method, path, body, headers=headers, token=self.token if token is ... else token
        )

    def gateway_path(self, kind="sending", domain=DOMAIN) -> str:
        return f"/v2/domains/{domain}/gateways/{kind}"

    def get(self, kind="sending", domain=DOMAIN):
        return self.call("GET", self.gateway_path(kind, domain))

    def put(self, body, kind="sending", domain=DOMAIN, etag=None):
        headers = {"If-Match": etag} if etag else None
        return self.call("PUT", self.gateway_path(kind, domain), body, headers=headers)

    def delete(self, kind="sending", domain=DOMAIN, etag=None):
        headers = {"If-Match": etag} if etag else None
        return self.call("DELETE", self.gateway_path(kind, domain), headers=headers)

    def test(self, address, email="ops@example.com", kind="sending", domain=DOMAIN):
        body = {"address": address, "verificationEmail": email}
        return self.call("POST", self.gateway_path(kind, domain) + "/test", body)

    def smtp(self, name: str) -> str:
        port = self.emu.smtp_ports[name]
        return f"[::1]:{port}" if name.endswith("_v6") else f"127.0.0.1:{port}"
