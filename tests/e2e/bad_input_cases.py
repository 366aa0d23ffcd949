# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The table of bad inputs: each one wrong value in an otherwise valid task, and the option
names its failure message must carry.

The valid part never reaches beyond loopback even if a check were missing: probe.when is never
(or the addresses are loopback), and the addresses are documentation ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from e2e_runner import Unquoted

SEND = "alimail.gateways.mail_send_gateway"
RECEIVE = "alimail.gateways.mail_receive_gateway"
DROP = object()  # leaves the option out of the task


@dataclass(frozen=True)
class Bad:
    id: str
    simulated: str
    names: tuple[str, ...]  # every one must appear in the failure message
    changes: dict
    module: str = SEND
    hidden: tuple[str, ...] = field(default=())  # must not appear in the message
    # A known defect outside the collection that keeps the message from naming the option: the
    # test then reports it as xfailed, and fails once the defect is fixed, so the note goes.
    defect: str | None = None


def _window(**changes) -> dict:
    return {"change_window": {"start": "22:00", "end": "05:00", **changes}}


def _probe(**changes) -> dict:
    # Loopback addresses: a probe that ran by mistake would stay on this machine.
    return {"addresses": ["127.0.0.1"], "allow_private_addresses": True, "probe": changes}


def _address(case_id: str, text, simulated: str) -> Bad:
    return Bad(
        case_id, f"addresses entry {text!r}: {simulated}", ("addresses",), {"addresses": [text]}
    )


def _email(case_id: str, text: str, simulated: str) -> Bad:
    return Bad(
        case_id,
        f"verification_email {text!r}: {simulated}",
        ("verification_email",),
        {"verification_email": text},
    )


BAD_INPUTS = (
    # Types Ansible's argument spec refuses.
    Bad(
        "input-type-enabled", "enabled: 'maybe' (not a boolean)", ("enabled",), {"enabled": "maybe"}
    ),
    Bad("input-type-api-retries", "api_retries: 'many'", ("api_retries",), {"api_retries": "many"}),
    Bad("input-type-api-timeout", "api_timeout: 'soon'", ("api_timeout",), {"api_timeout": "soon"}),
    Bad(
        "input-type-addresses",
        "addresses as a mapping, not a list",
        ("addresses",),
        {"addresses": {"first": "192.0.2.10"}},
    ),
    Bad(
        "input-type-probe",
        "probe: 'fast' (not a mapping)",
        ("probe",),
        {"probe": "fast"},
        defect=(
            "ansible-core 2.19 _list_no_log_values() parses a dict option with suboptions before "
            "type checking and fails with 'dictionary requested, could not parse JSON or "
            "key=value', which names no option"
        ),
    ),
    Bad(
        "input-type-probe-port",
        "probe.port: 'smtp'",
        ("port", "probe"),
        {"probe": {"port": "smtp"}},
    ),
    Bad("input-choice-state", "state: 'gone'", ("state",), {"state": "gone"}),
    Bad(
        "input-choice-site",
        "site: 'eu' (unknown site) and no api_url",
        ("site",),
        {"site": "eu", "api_url": DROP},
    ),
    Bad(
        "input-choice-probe-tls",
        "probe.tls: 'sometimes'",
        ("tls", "probe"),
        {"probe": {"tls": "sometimes"}},
    ),
    Bad(
        "input-unknown-option",
        "a misspelt option (adresses)",
        ("adresses",),
        {"adresses": ["192.0.2.10"]},
    ),
    # Names and domains.
    Bad("input-name-empty", "name ''", ("name",), {"name": ""}),
    Bad("input-name-blank", "name of spaces only", ("name",), {"name": "   "}),
    Bad("input-name-201", "name of 201 characters", ("name",), {"name": "n" * 201}),
    Bad("input-domain-malformed", "domain 'not a domain'", ("domain",), {"domain": "not a domain"}),
    Bad("input-domain-empty", "domain ''", ("domain",), {"domain": ""}),
    # Every malformed address form.
    _address("input-address-octet", "192.0.2.300", "octet over 255"),
    _address("input-address-short", "192.0.2", "three octets"),
    _address("input-address-ipv6", "2001:db8::g1", "not hexadecimal"),
    _address("input-address-hostname", "mail.example.com", "a host name, not an address"),
    _address("input-address-bracketed-v4", "[192.0.2.10]:25", "IPv4 in brackets"),
    _address("input-port-zero", "192.0.2.10:0", "port 0"),
    _address("input-port-high", "192.0.2.10:65536", "port over 65535"),
    _address("input-port-text", "192.0.2.10:smtp", "port not a number"),
    _address("input-port-v6-high", "[2001:db8::10]:99999", "IPv6 port over 65535"),
    _address("input-prefix-33", "198.51.100.0/33", "prefix over 32"),
    _address("input-cidr-host-bits", "198.51.100.1/24", "CIDR with host bits set"),
    _address("input-cidr-v6-host-bits", "2001:db8::1/64", "IPv6 CIDR with host bits set"),
    _address("input-range-reversed", "203.0.113.20-203.0.113.10", "range end before start"),
    _address("input-range-mixed", "192.0.2.10-2001:db8::10", "range across IPv4 and IPv6"),
    _address("input-range-oversized", "2001:db8::-2001:db8::2:0", "range of 131073 addresses"),
    _address("input-cidr-oversized", "2001:db8::/64", "CIDR block far over 65536 addresses"),
    _address("input-entry-empty", "192.0.2.10,,192.0.2.11", "an empty entry between commas"),
    _address("input-entry-trailing", "192.0.2.10,", "a trailing comma"),
    Bad("input-addresses-empty", "addresses: [] (no entry)", ("addresses",), {"addresses": []}),
    # Addresses Alibaba's servers could never reach, without allow_private_addresses.
    *(
        Bad(
            f"input-unroutable-{kind}",
            f"{kind} address {text} without allow_private_addresses",
            ("addresses", "allow_private_addresses"),
            {"addresses": [text]},
        )
        for kind, text in (
            ("loopback", "127.0.0.1"),
            ("private", "10.1.2.3"),
            ("shared", "100.64.0.1"),
            ("link-local", "169.254.10.1"),
            ("multicast", "224.0.0.5"),
            ("reserved", "240.0.0.1"),
            ("unspecified", "0.0.0.0"),
            ("v6-unique-local", "fd00::25"),
            ("v6-loopback", "::1"),
        )
    ),
    Bad(
        "input-egress-broad",
        "egress_addresses 2001:db8::/119 (512 addresses) without allow_broad_egress",
        ("egress_addresses", "allow_broad_egress"),
        {"egress_addresses": ["2001:db8::/119"]},
        module=RECEIVE,
    ),
    Bad(
        "input-ingress-malformed",
        "ingress_addresses entry '[2001:db8::10' (unclosed bracket)",
        ("ingress_addresses",),
        {"ingress_addresses": ["[2001:db8::10"]},
        module=RECEIVE,
    ),
    # Emails.
    _email("input-email-no-at", "ops.example.com", "no @"),
    _email("input-email-no-dot", "ops@example", "no dot in the domain"),
    _email("input-email-no-local", "@example.com", "nothing before @"),
    _email("input-email-two-at", "ops@@example.com", "two @"),
    _email("input-email-space", "ops @example.com", "a space"),
    Bad(
        "input-email-mail-from",
        "probe.mail_from 'postmaster' (no domain)",
        ("probe.mail_from",),
        _probe(mail_from="postmaster"),
    ),
    # Change windows and time zones.
    Bad(
        "input-window-hour",
        "change_window.start '25:00'",
        ("change_window.start",),
        _window(start="25:00"),
    ),
    Bad(
        "input-window-minute",
        "change_window.end '22:60'",
        ("change_window.end",),
        _window(end="22:60"),
    ),
    Bad(
        "input-window-unquoted",
        "change_window.start 22:00 unquoted (YAML 1.1 reads the integer 1320)",
        ("change_window.start", "quote it"),
        _window(start=Unquoted("22:00")),
    ),
    Bad(
        "input-window-empty",
        "change_window start equal to end",
        ("change_window.end",),
        _window(start="22:00", end="22:00"),
    ),
    Bad(
        "input-window-weekday",
        "change_window.weekdays ['funday']",
        ("change_window.weekdays",),
        _window(weekdays=["funday"]),
    ),
    Bad(
        "input-window-timezone",
        "change_window.timezone 'Mars/Olympus_Mons'",
        ("change_window.timezone",),
        _window(timezone="Mars/Olympus_Mons"),
    ),
    Bad(
        "input-window-no-end",
        "change_window without end",
        ("end", "change_window"),
        {"change_window": {"start": "22:00"}},
    ),
    # Connection.
    Bad(
        "input-api-url-scheme",
        "api_url ftp://127.0.0.1:21",
        ("api_url",),
        {"api_url": "ftp://127.0.0.1:21"},
    ),
    Bad(
        "input-api-url-no-scheme",
        "api_url 127.0.0.1:8080 (no scheme)",
        ("api_url",),
        {"api_url": "127.0.0.1:8080"},
    ),
    Bad(
        "input-api-url-credentials",
        "api_url with user:password@ before the host",
        ("api_url",),
        {"api_url": "http://ops:hunter2-pw@127.0.0.1:9"},
        hidden=("hunter2-pw",),
    ),
    Bad("input-no-client-id", "no client_id (option nor env)", ("client_id",), {"client_id": DROP}),
    Bad(
        "input-no-client-secret",
        "no client_secret (option nor env)",
        ("client_secret",),
        {"client_secret": DROP},
    ),
    Bad("input-api-retries-zero", "api_retries 0", ("api_retries",), {"api_retries": 0}),
    Bad("input-api-timeout-zero", "api_timeout 0", ("api_timeout",), {"api_timeout": 0}),
    Bad(
        "input-ca-path-missing",
        "ca_path that does not exist",
        ("ca_path",),
        {"ca_path": "/nonexistent/ca.pem"},
    ),
    # Probe options.
    Bad("input-probe-port-zero", "probe.port 0", ("probe.port",), _probe(port=0)),
    Bad("input-probe-timeout-zero", "probe.timeout 0", ("probe.timeout",), _probe(timeout=0)),
    Bad(
        "input-probe-max-targets-zero",
        "probe.max_targets 0",
        ("probe.max_targets",),
        _probe(max_targets=0),
    ),
    Bad(
        "input-probe-concurrency-high",
        "probe.concurrency 1000",
        ("probe.concurrency",),
        _probe(concurrency=1000),
    ),
    Bad(
        "input-probe-helo-space",
        "probe.helo_name 'bad name'",
        ("probe.helo_name",),
        _probe(helo_name="bad name"),
    ),
    Bad(
        "input-probe-ca-path-missing",
        "probe.ca_path that does not exist",
        ("probe.ca_path",),
        _probe(ca_path="/nonexistent/ca.pem"),
    ),
)


def valid_args(bad: Bad, domain: str, connection: dict) -> dict:
    """The task's arguments: a valid create of a disabled gateway, with the one bad change."""
    args = {
        **connection,
        "domain": domain,
        "name": "Relay",
        "verification_email": "ops@example.com",
    }
    args["enabled"] = False
    args["probe"] = {"when": "never"}
    if bad.module == RECEIVE:
        args.update(ingress_addresses=["192.0.2.25"], egress_addresses=["198.51.100.16/29"])
    else:
        args["addresses"] = ["192.0.2.10"]
    for option, value in bad.changes.items():
        if value is DROP:
            args.pop(option, None)
        elif option == "probe" and isinstance(value, dict):
            args["probe"] = {"when": "never", **value}
        else:
            args[option] = value
    return args
