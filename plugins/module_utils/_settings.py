# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validation of the connection, probe and domain options, before any request is sent.

Private to this collection; not a public API. Shared by every module of the collection.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ansible_collections.alimail.gateways.plugins.module_utils._argspec import ENV
from ansible_collections.alimail.gateways.plugins.module_utils._errors import InputError
from ansible_collections.alimail.gateways.plugins.module_utils._transport import (
    base_url,
    is_loopback_url,
)

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+{_LABEL}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Connection:
    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    validate_certs: bool = True
    ca_path: str | None = None
    timeout: float = 30.0
    retries: int = 5


@dataclass(frozen=True)
class ProbeSettings:
    when: str
    port: int
    tls: str
    tls_verify: bool
    ca_path: str | None
    timeout: float
    mail_from: str
    helo_name: str | None
    max_targets: int
    concurrency: int


def domain_from_params(params: dict) -> str:
    """The domain in lower case, without a trailing dot; it becomes part of every URL path."""
    return check_domain("domain", params.get("domain"))


def check_domain(option: str, value) -> str:
    """One domain name of an option (domain, or an element of domains), normalised."""
    text = (value or "").strip().rstrip(".").lower()
    if len(text) > 253 or not _DOMAIN.match(text):
        raise InputError(
            option,
            value,
            "is not a domain name (letters, digits and hyphens in dot-separated labels; "
            "write an internationalised name in its xn-- form)",
        )
    return text


def check_email(option: str, value: str) -> str:
    text = value.strip()
    if len(text) > 254 or not _EMAIL.match(text):
        raise InputError(option, value, "is not an email address (local@domain.tld)")
    return text


def _required(params: dict, option: str) -> str:
    value = params.get(option)
    if value is None or not value.strip():
        # The value itself is never shown: for client_secret it may be a secret.
        raise InputError(
            option, None, f"is required; set it or the {ENV[option]} environment variable"
        )
    return value.strip()


def _ca_path(option: str, value: str | None) -> str | None:
    if value is not None and not os.path.exists(value):
        raise InputError(
            option, value, "does not exist; give a PEM CA bundle or a directory of them"
        )
    return value


def _api_url(params: dict, warn) -> str:
    url = base_url(params.get("site"), params.get("api_url") or None)
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        # Whatever sits before @ may be a credential, so it is not shown.
        shown = parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()
        raise InputError(
            "api_url", shown, "holds credentials before @; give them as client_id and client_secret"
        )
    if parts.scheme == "http" and not is_loopback_url(url):
        warn(
            f"api_url {url} is plain HTTP to a host that is not loopback: the client secret "
            "and access tokens cross the network unencrypted; use https://"
        )
    return url


def connection_from_params(params: dict, warn) -> Connection:
    """Connection settings; warn(text) is called for an insecure but accepted api_url."""
    url = _api_url(params, warn)
    client_id = _required(params, "client_id")
    secret = _required(params, "client_secret")
    timeout = params.get("api_timeout")
    if timeout is None or timeout <= 0:
        raise InputError("api_timeout", timeout, "must be a number of seconds greater than 0")
    retries = params.get("api_retries")
    _in_range("api_retries", retries, 1, unit=" (attempts per request, the first included)")
    return Connection(
        base_url=url,
        client_id=client_id,
        client_secret=secret,
        validate_certs=bool(params.get("validate_certs", True)),
        ca_path=_ca_path("ca_path", params.get("ca_path")),
        timeout=float(timeout),
        retries=int(retries),
    )


def _in_range(option: str, value, low, high=None, unit="") -> None:
    if value is None or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise InputError(option, value, f"must be {bound}{unit}")


def probe_from_params(probe: dict | None, domain: str) -> ProbeSettings:
    """Probe settings with defaults filled in; mail_from defaults to postmaster@<domain>."""
    probe = dict(probe or {})
    _in_range("probe.port", probe.get("port", 25), 1, 65535)
    timeout = probe.get("timeout", 10)
    if timeout is None or timeout <= 0:
        raise InputError("probe.timeout", timeout, "must be a number of seconds greater than 0")
    _in_range("probe.max_targets", probe.get("max_targets", 16), 1)
    _in_range("probe.concurrency", probe.get("concurrency", 16), 1, 256)
    mail_from = probe.get("mail_from")
    mail_from = check_email("probe.mail_from", mail_from) if mail_from else f"postmaster@{domain}"
    helo = probe.get("helo_name")
    if helo is not None and (
        not helo.strip() or len(helo) > 255 or any(c.isspace() for c in helo.strip())
    ):
        raise InputError("probe.helo_name", helo, "must be a host name without spaces")
    return ProbeSettings(
        when=probe.get("when") or "changed",
        port=probe.get("port", 25),
        tls=probe.get("tls") or "opportunistic",
        tls_verify=bool(probe.get("tls_verify", False)),
        ca_path=_ca_path("probe.ca_path", probe.get("ca_path")),
        timeout=float(timeout),
        mail_from=mail_from,
        helo_name=helo.strip() if helo else None,
        max_targets=probe.get("max_targets", 16),
        concurrency=probe.get("concurrency", 16),
    )


def _parse_window(value):
    if value is None:
        return None  # most tasks set no window: _window is not even imported
    from ansible_collections.alimail.gateways.plugins.module_utils import _window

    return _window.parse_window("change_window", value)


@dataclass(frozen=True)
class GatewayInputs:
    kind: object
    domain: str
    state: str
    desired: dict
    staged_first_save: bool
    probe: ProbeSettings
    window: object
    connection: Connection


def gateway_inputs(kind, params: dict, warn) -> GatewayInputs:
    """Every option of a gateway module, validated and normalised; raises InputError."""
    # Imported here so the info and probe modules can use this file without the model.
    from ansible_collections.alimail.gateways.plugins.module_utils import _gateway

    domain = domain_from_params(params)
    connection = connection_from_params(params, warn)
    probe = probe_from_params(params.get("probe"), domain)
    desired = _gateway.desired_from_params(kind, params)
    return GatewayInputs(
        kind=kind,
        domain=domain,
        state=params.get("state") or "present",
        desired=desired,
        staged_first_save=bool(params.get("staged_first_save", True)),
        probe=probe,
        window=_parse_window(params.get("change_window")),
        connection=connection,
    )
