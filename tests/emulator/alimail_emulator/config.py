# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's configuration: organisations with their credentials and domains, timings,
initial gateways and SMTP listeners.

A config file is JSON; its top-level keys replace those of default_config.json, so a test can
set only what it changes (e.g. {"testWindowSeconds": 1}).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from alimail_emulator import gateways
from alimail_emulator.smtp_servers import BEHAVIOURS
from alimail_emulator.timefmt import rfc3339

DEFAULT_PATH = Path(__file__).with_name("default_config.json")
LOOPBACK_HOSTS = ("127.0.0.1", "::1")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the key."""


@dataclass(frozen=True)
class Organisation:
    id: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]

    def __repr__(self):
        # The secret must never reach a log or a traceback.
        return f"Organisation(id={self.id!r}, client_id={self.client_id!r}, domains={self.domains})"


@dataclass(frozen=True)
class ListenerSpec:
    name: str
    behaviour: str
    host: str
    port: int
    banner_delay: float

    @property
    def env_name(self) -> str:
        return f"SMTP_{self.name.upper()}_PORT"


@dataclass(frozen=True)
class Config:
    raw: dict = field(repr=False)  # holds client secrets
    organisations: tuple[Organisation, ...]
    token_lifetime: float
    test_window: float
    test_timeout: float
    idle_timeout: float
    gateways: dict
    listeners: tuple[ListenerSpec, ...]

    def by_client_id(self, client_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.client_id == client_id), None)

    def owns(self, organisation_id: str, domain: str) -> bool:
        return any(o.id == organisation_id and domain in o.domains for o in self.organisations)

    def known_domain(self, domain: str) -> bool:
        return any(domain in o.domains for o in self.organisations)


def _number(raw: dict, key: str) -> float:
    value = raw.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{key} must be a number of seconds, 0 or more")
    return float(value)


def _organisations(raw: dict) -> tuple[Organisation, ...]:
    items = raw.get("organisations")
    if not isinstance(items, list) or not items:
        raise ConfigError("organisations must be a non-empty list")
    result, seen_domains, seen_clients = [], set(), set()
    for i, item in enumerate(items):
        where = f"organisations[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be an object")
        for key in ("id", "clientId", "clientSecret"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise ConfigError(f"{where}.{key} must be a non-empty string")
        domains = item.get("domains")
        if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
            raise ConfigError(f"{where}.domains must be a list of domain names")
        domains = tuple(d.lower() for d in domains)
        if seen_domains & set(domains):
            raise ConfigError(f"{where}: a domain belongs to one organisation only")
        if item["clientId"] in seen_clients:
            raise ConfigError(f"{where}.clientId is used by another organisation")
        seen_domains.update(domains)
        seen_clients.add(item["clientId"])
        result.append(Organisation(item["id"], item["clientId"], item["clientSecret"], domains))
    return tuple(result)


def _listeners(smtp: dict) -> tuple[ListenerSpec, ...]:
    items = smtp.get("listeners", [])
    if not isinstance(items, list):
        raise ConfigError("smtp.listeners must be a list")
    result, names = [], set()
    for i, item in enumerate(items):
        where = f"smtp.listeners[{i}]"
        if not isinstance(item, dict) or item.get("behaviour") not in BEHAVIOURS:
            raise ConfigError(f"{where}.behaviour must be one of {', '.join(BEHAVIOURS)}")
        name = item.get("name", item["behaviour"])
        if not isinstance(name, str) or not _NAME.match(name) or name in names:
            raise ConfigError(f"{where}.name must be a unique lower-case identifier")
        host = item.get("host", "127.0.0.1")
        if host not in LOOPBACK_HOSTS:
            raise ConfigError(f"{where}.host must be a loopback address (127.0.0.1 or ::1)")
        port = item.get("port", 0)
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ConfigError(f"{where}.port must be 0 (any free port) or a port number")
        delay = _number({"bannerDelaySeconds": 15, **item}, "bannerDelaySeconds")
        names.add(name)
        result.append(ListenerSpec(name, item["behaviour"], host, port, delay))
    return tuple(result)


def _gateways(raw: dict, organisations) -> dict:
    items = raw.get("gateways", {})
    if not isinstance(items, dict):
        raise ConfigError("gateways must be an object: {domain: {kind: body}}")
    known = {d for o in organisations for d in o.domains}
    result = {}
    for domain, kinds in items.items():
        if domain.lower() not in known or not isinstance(kinds, dict):
            raise ConfigError(f"gateways.{domain}: not a domain of any organisation")
        for kind, body in kinds.items():
            if kind not in gateways.ADDRESS_FIELDS:
                raise ConfigError(f"gateways.{domain}.{kind}: kind is sending or receiving")
            try:
                record = gateways.validate_body(kind, body)
            except gateways.InvalidParameter as exc:
                raise ConfigError(f"gateways.{domain}.{kind}: {exc}") from None
            record["updatedAt"] = body.get("updatedAt") or rfc3339()
            result.setdefault(domain.lower(), {})[kind] = record
    return result


def build(overrides: dict | None = None) -> Config:
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    if overrides:
        if not isinstance(overrides, dict):
            raise ConfigError("the configuration must be a JSON object")
        raw.update(copy.deepcopy(overrides))
    smtp = raw.get("smtp") or {}
    if not isinstance(smtp, dict):
        raise ConfigError("smtp must be an object")
    organisations = _organisations(raw)
    if _number(raw, "testTimeoutSeconds") <= 0:
        raise ConfigError("testTimeoutSeconds must be more than 0")
    return Config(
        raw=raw,
        organisations=organisations,
        token_lifetime=_number(raw, "tokenLifetimeSeconds"),
        test_window=_number(raw, "testWindowSeconds"),
        test_timeout=_number(raw, "testTimeoutSeconds"),
        idle_timeout=_number({"idleTimeoutSeconds": 30, **smtp}, "idleTimeoutSeconds"),
        gateways=_gateways(raw, organisations),
        listeners=_listeners(smtp),
    )


def load(path: str | Path | None) -> Config:
    if path is None:
        return build()
    try:
        overrides = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from None
    return build(overrides)
