# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator as the e2e suite configures it, and views of its request log and state.

Every case works on a domain of its own (case_domain), so cases that share one playbook run can
be told apart in the request log and in the stored state.
"""

from __future__ import annotations

import datetime
import json
import re

TOKEN_PATH = "/oauth2/v2.0/token"
DEMO_DOMAINS = ("example.com", "example.org")
LEAK_CLIENT_ID = "e2e-leak-check"
LEAK_DOMAIN = "example.net"
LEAK_ECHO_DOMAIN = "echo.example.net"
# Short enough that every timeout case ends in about a second.
PROBE_TIMEOUT = 1.0
SLOW_BANNER_DELAY = 3.0
_case_domains: set[str] = set()


def case_domain(case_id: str) -> str:
    """The domain a case owns; call it at import time so the emulator is configured with it."""
    slug = re.sub(r"[^a-z0-9]+", "-", case_id.lower()).strip("-")
    domain = f"{slug}.example.com"
    _case_domains.add(domain)
    return domain


def suite_config(leak_secret: str) -> dict:
    """Two organisations: the demo one owning every case domain, and one whose distinctive
    secret the secrets test looks for."""
    listeners = [
        {"behaviour": "accept"},
        {"name": "accept_v6", "behaviour": "accept", "host": "::1"},
        {"name": "reject_rcpt_v6", "behaviour": "reject_rcpt", "host": "::1"},
        {"behaviour": "slow_banner", "bannerDelaySeconds": SLOW_BANNER_DELAY},
    ]
    for behaviour in (
        "no_starttls",
        "tls_required",
        "broken_tls",
        "banner_421",
        "banner_554",
        "silent",
        "reject_rcpt",
        "temp_fail",
        "drop",
        "expired_cert",
        "wrong_name_cert",
        "garbage",
        "helo_only",
        "starttls_454",
    ):
        listeners.append({"behaviour": behaviour})
    return {
        "organisations": [
            {
                "id": "demo-org",
                "clientId": "demo",
                "clientSecret": "demo-secret",
                "domains": [*DEMO_DOMAINS, *sorted(_case_domains)],
            },
            {
                "id": "leak-org",
                "clientId": LEAK_CLIENT_ID,
                "clientSecret": leak_secret,
                "domains": [LEAK_DOMAIN, LEAK_ECHO_DOMAIN],
            },
        ],
        "testTimeoutSeconds": 3,
        "smtp": {"idleTimeoutSeconds": 5, "listeners": listeners},
    }


def gateway_path(domain: str, kind: str = "sending") -> str:
    return f"/v2/domains/{domain}/gateways/{kind}"


def service_test_path(domain: str, kind: str = "sending") -> str:
    return gateway_path(domain, kind) + "/test"


def sending_body(**changes) -> dict:
    """A stored sending gateway in API terms, for seeding."""
    body = {
        "name": "Outbound relay",
        "gatewayAddress": "127.0.0.1:25",
        "verificationEmail": "ops@example.com",
        "enabled": False,
    }
    body.update(changes)
    return body


def record(state: dict, domain: str, kind: str = "sending") -> str | None:
    """One stored gateway as canonical JSON text (ETag and updatedAt included), or None."""
    stored = state["gateways"].get(domain, {}).get(kind)
    return None if stored is None else json.dumps(stored, sort_keys=True)


def _when(text: str) -> float:
    return datetime.datetime.fromisoformat(text).timestamp()


class RequestLog:
    """The emulator's log of contract requests, filtered the ways the cases need."""

    def __init__(self, entries: list[dict]):
        self.entries = list(entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def where(self, method: str | None = None, path: str | None = None) -> RequestLog:
        return RequestLog(
            e
            for e in self.entries
            if (method is None or e["method"] == method) and (path is None or e["path"] == path)
        )

    def during(self, task) -> RequestLog:
        """The requests logged while a task ran (tasks of one playbook run one at a time)."""
        return RequestLog(e for e in self.entries if task.started <= _when(e["time"]) <= task.ended)

    def touching(self, domain: str) -> RequestLog:
        prefix = f"/v2/domains/{domain}/"
        return RequestLog(e for e in self.entries if e["path"].startswith(prefix))

    def statuses(self) -> list:
        return [e["status"] for e in self.entries]

    def lines(self) -> list[str]:
        """'GET /v2/... 503' per request: what an assertion message shows."""
        return [
            f"{e['method']} {e['path']} {e['status']} {e.get('fault') or ''}".rstrip() for e in self
        ]

    def gap(self, first: dict, second: dict) -> float:
        return _when(second["time"]) - _when(first["time"])


def connection(emu, **overrides) -> dict:
    """Connection options of the demo organisation, with small retries and timeouts."""
    options = {
        "api_url": emu.api_url,
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
        "api_retries": 3,
        "api_timeout": 5,
    }
    options.update(overrides)
    return options


def smtp_target(emu, listener: str) -> str:
    """host:port of one of the emulator's SMTP listeners, as a gateway address entry."""
    port = emu.smtp_ports[listener]
    return f"[::1]:{port}" if listener.endswith("_v6") else f"127.0.0.1:{port}"


def probe_options(**overrides) -> dict:
    options = {"timeout": PROBE_TIMEOUT, "helo_name": "probe.e2e.example.com"}
    options.update(overrides)
    return options


def enable_args(emu, domain: str, listener: str = "accept", **overrides) -> dict:
    """Options of a task that creates (or moves) the sending gateway of ``domain`` and enables
    it, on one of the emulator's listeners."""
    args = {
        "domain": domain,
        "name": "Outbound relay",
        "addresses": [smtp_target(emu, listener)],
        "verification_email": f"ops@{domain}",
        "enabled": True,
        "allow_private_addresses": True,
        "probe": probe_options(),
    }
    args.update(overrides)
    return args
