# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark's domains and their gateways: emulator config, seeds, inventories, checks.

One function gives the desired gateways of a domain at a revision; the seeded state, the
inventory both playbooks read and the check of the state after a change run all come from it,
so they cannot drift apart. Revision "base" is what is seeded; "change" renames every sending
gateway (a write without a proof) and moves every receiving gateway to another listener (a
probe, a service test and a write).
"""

from __future__ import annotations

import json
from pathlib import Path

CLIENT_ID = "bench"
# Only the emulator knows it; the playbooks read it from the environment.
CLIENT_SECRET = "bench-secret-not-a-real-one"
REVISIONS = ("base", "change")
# Documentation ranges: the egress field is only compared, nothing connects to it.
EGRESS = ("203.0.113.0/28", "198.51.100.0/28")
API_FIELDS = {
    "sending": (("name", "name"), ("addresses", "gatewayAddress")),
    "receiving": (
        ("name", "name"),
        ("ingress_addresses", "ingressAddress"),
        ("egress_addresses", "egressAddress"),
    ),
}
KINDS = tuple(API_FIELDS)


def domains(count: int) -> list[str]:
    # .example is reserved (RFC 2606): the names never resolve, they only become URL paths.
    return [f"d{number:03d}.bench.example" for number in range(1, count + 1)]


def emulator_config(names: list[str]) -> dict:
    """The harness config: one organisation owning the domains, two accepting listeners."""
    return {
        "organisations": [
            {
                "id": "bench-org",
                "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET,
                "domains": names,
            }
        ],
        "gateways": {},
        "smtp": {
            "listeners": [
                {"behaviour": "accept"},
                {"name": "accept_b", "behaviour": "accept"},
            ]
        },
    }


def desired(domain: str, ports: dict, revision: str) -> dict:
    """The gateways of one domain in module terms, per kind."""
    if revision not in REVISIONS:
        raise ValueError(f"revision is one of {REVISIONS}, not {revision!r}")
    first = f"127.0.0.1:{ports['accept']}"
    second = f"127.0.0.1:{ports['accept_b']}"
    suffix = " (rev 2)" if revision == "change" else ""
    return {
        "sending": {
            "name": f"DLP relay {domain}{suffix}",
            "addresses": [first],
            "verification_email": f"gateway-check@{domain}",
            "enabled": True,
        },
        "receiving": {
            "name": f"Anti-spam {domain}",
            "ingress_addresses": [second if revision == "change" else first],
            "egress_addresses": list(EGRESS),
            "verification_email": f"gateway-check@{domain}",
            "enabled": True,
        },
    }


def api_body(kind: str, terms: dict) -> dict:
    body = {"verificationEmail": terms["verification_email"], "enabled": terms["enabled"]}
    for option, field in API_FIELDS[kind]:
        value = terms[option]
        body[field] = ",".join(value) if isinstance(value, list) else value
    return body


def seed(emulators, names: list[str], revision: str = "base") -> None:
    """Store every gateway directly, bypassing the enable guard as a long-lived setup would."""
    for domain in names:
        for kind, terms in desired(domain, emulators.smtp_ports, revision).items():
            emulators.seed(domain, kind, api_body(kind, terms))


def write_inventory(path: Path, names: list[str], ports: dict, revision: str) -> Path:
    """An inventory of one host per domain on the local connection, desired state as host vars."""
    hosts = {}
    for domain in names:
        gateways = desired(domain, ports, revision)
        hosts[domain] = {
            "bench_sending": gateways["sending"],
            "bench_receiving": gateways["receiving"],
        }
    inventory = {
        "all": {
            "children": {
                "bench_domains": {
                    "vars": {
                        "ansible_connection": "local",
                        # No interpreter discovery: the controller's Python, as the demo does.
                        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                    },
                    "hosts": hosts,
                }
            }
        }
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(inventory, indent=1) + "\n", encoding="utf-8")
    return path


def _entries(value) -> set[str]:
    if isinstance(value, list):
        value = ",".join(value)
    return {part.strip() for part in str(value or "").split(",") if part.strip()}


def state_mismatches(snapshot: dict, names: list[str], ports: dict, revision: str) -> list[str]:
    """Where the emulator's stored state differs from the revision (address fields as sets)."""
    found = []
    for domain in names:
        stored = (snapshot.get("gateways") or snapshot).get(domain, {})
        for kind, terms in desired(domain, ports, revision).items():
            record = stored.get(kind)
            if record is None:
                found.append(f"{domain} {kind}: not stored")
                continue
            want = api_body(kind, terms)
            for field, value in want.items():
                same = (
                    _entries(record.get(field)) == _entries(value)
                    if field.endswith("Address")
                    else record.get(field) == value
                )
                if not same:
                    found.append(f"{domain} {kind} {field}: {record.get(field)!r}, not {value!r}")
    return found
