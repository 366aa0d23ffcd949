# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The gateway model: the two kinds, validation, API and module terms, merge and diff.

Private to this collection; not a public API. A state is a dict in module terms whose address
options hold lists of _addresses.Entry; public() turns it into what a module returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.alimail.gateways.plugins.module_utils._addresses import (
    canonical,
    check_breadth,
    check_routable,
    parse_field,
    same,
    to_field,
)
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    AlimailError,
    InputError,
)

NAME_MAX = 200
EMAIL_MAX = 254
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Kind:
    """One direction of a domain's mail: its options and their API fields."""

    name: str
    address_options: tuple[str, ...]
    probe_option: str
    api_fields: dict = field(hash=False)

    @property
    def options(self) -> tuple[str, ...]:
        """The options a task may set, in the order they are reported."""
        return ("name", *self.address_options, "verification_email", "enabled")

    @property
    def required(self) -> tuple[str, ...]:
        """The options a new gateway cannot do without."""
        return ("name", *self.address_options, "verification_email")


SENDING = Kind(
    name="sending",
    address_options=("addresses",),
    probe_option="addresses",
    api_fields={
        "name": "name",
        "addresses": "gatewayAddress",
        "verification_email": "verificationEmail",
        "enabled": "enabled",
        "updated_at": "updatedAt",
    },
)
RECEIVING = Kind(
    name="receiving",
    address_options=("ingress_addresses", "egress_addresses"),
    probe_option="ingress_addresses",
    api_fields={
        "name": "name",
        "ingress_addresses": "ingressAddress",
        "egress_addresses": "egressAddress",
        "verification_email": "verificationEmail",
        "enabled": "enabled",
        "updated_at": "updatedAt",
    },
)
KINDS = {"sending": SENDING, "receiving": RECEIVING}
# Egress entries are trusted to hand mail past the anti-spam gateway, so their breadth is capped.
_BREADTH_CHECKED = ("egress_addresses",)


def _name(option: str, value) -> str:
    if not isinstance(value, str):
        raise InputError(option, value, "is not a string")
    # The service stores names stripped; comparing the stripped form keeps reruns quiet.
    text = value.strip()
    if not text:
        shown = "is empty" if not value else "is only whitespace"
        raise InputError(option, value, f"{shown}; a gateway name has 1 to {NAME_MAX} characters")
    if len(text) > NAME_MAX:
        raise InputError(
            option,
            value,
            f"is {len(text)} characters long; a gateway name has 1 to {NAME_MAX} characters",
        )
    return text


def _email_rule(text: str) -> str | None:
    """What is wrong with an email address, or None."""
    if len(text) > EMAIL_MAX:
        return f"is {len(text)} characters long; an email address has at most {EMAIL_MAX}"
    if _SPACE.search(text):
        return "contains a space; an email address has none"
    local, at, domain = text.rpartition("@")
    if not at:
        return "has no @; write the address as local@domain"
    if "@" in local:
        return "has more than one @"
    if not local:
        return "has nothing before @"
    if not domain:
        return "has no domain after @"
    if "." not in domain:
        return f"has no dot in its domain {domain}; use a full domain such as example.com"
    if "" in domain.split("."):
        return f"has an empty label in its domain {domain}"
    return None


def _email(option: str, value) -> str:
    if not isinstance(value, str):
        raise InputError(option, value, "is not a string")
    text = value.strip()
    rule = _email_rule(text)
    if rule:
        raise InputError(option, value, rule)
    return text


def _enabled(option: str, value) -> bool:
    if not isinstance(value, bool):
        raise InputError(option, value, "is not a boolean (true or false)")
    return value


def _addresses(option: str, value, params: dict) -> list:
    entries = parse_field(option, value)
    if not params.get("allow_private_addresses"):
        check_routable(option, entries)
    if option in _BREADTH_CHECKED and not params.get("allow_broad_egress"):
        check_breadth(option, entries)
    return entries


def desired_from_params(kind: Kind, params: dict) -> dict:
    """Validate and normalise the options a task sets; options left out are not returned."""
    desired = {}
    for option in kind.options:
        value = params.get(option)
        if value is None:
            continue
        if option in kind.address_options:
            desired[option] = _addresses(option, value, params)
        elif option == "name":
            desired[option] = _name(option, value)
        elif option == "verification_email":
            desired[option] = _email(option, value)
        else:
            desired[option] = _enabled(option, value)
    return desired


def _stored_entries(kind: Kind, option: str, value) -> list:
    """Entries of an address field as the service returned it."""
    field_name = kind.api_fields[option]
    try:
        return parse_field(field_name, value or "", strict=False)
    except InputError as exc:
        raise AlimailError(
            f"the service returned a {kind.name} gateway whose {field_name} entry "
            f"{exc.value!r} {exc.rule}"
        ) from exc


def current_from_api(kind: Kind, body: dict | None) -> dict | None:
    """An API body in module terms; None (no gateway) stays None."""
    if body is None:
        return None
    fields = kind.api_fields
    state = {
        "name": str(body.get(fields["name"]) or ""),
        **{
            option: _stored_entries(kind, option, body.get(fields[option]))
            for option in kind.address_options
        },
        "verification_email": str(body.get(fields["verification_email"]) or ""),
        "enabled": bool(body.get(fields["enabled"])),
    }
    if body.get(fields["updated_at"]) is not None:
        state["updated_at"] = body[fields["updated_at"]]
    return state


def merge(kind: Kind, current: dict | None, desired: dict, domain: str) -> dict:
    """The full state to write: desired options over current ones (all options set)."""
    if current is None:
        missing = [option for option in kind.required if option not in desired]
        if missing:
            rule = f"is required to create the {kind.name} gateway of {domain}"
            if len(missing) > 1:
                rule += f" (also missing: {', '.join(missing[1:])})"
            raise InputError(missing[0], None, rule)
        current = {"enabled": False}
    return {option: desired.get(option, current.get(option)) for option in kind.options}


def _email_key(value: str | None) -> str:
    # Domains are case-insensitive; local parts may not be, so only the domain is folded.
    local, at, domain = (value or "").rpartition("@")
    return f"{local}{at}{domain.lower()}"


def _equal(kind: Kind, option: str, before, after) -> bool:
    if option in kind.address_options:
        return same(before or [], after or [])
    if option == "name":
        return (before or "").strip() == (after or "").strip()
    if option == "verification_email":
        return _email_key(before) == _email_key(after)
    return bool(before) == bool(after)


def differs(kind: Kind, current: dict | None, result: dict) -> list[str]:
    """The options of result whose value differs from current, in option order."""
    options = [option for option in kind.options if option in result]
    if current is None:
        return options
    return [
        option
        for option in options
        if not _equal(kind, option, current.get(option), result.get(option))
    ]


def to_api(kind: Kind, result: dict) -> dict:
    """The PUT body for a full state."""
    body = {}
    for option in kind.options:
        if option not in result:
            continue
        value = result[option]
        body[kind.api_fields[option]] = to_field(value) if option in kind.address_options else value
    return body


def public(kind: Kind, state: dict | None) -> dict:
    """A state as modules return it; {} when there is no gateway."""
    if state is None:
        return {}
    shown = {"name": state.get("name")}
    for option in kind.address_options:
        shown[option] = canonical(state.get(option) or [])
    shown["verification_email"] = state.get("verification_email")
    shown["enabled"] = bool(state.get("enabled"))
    if state.get("updated_at") is not None:
        shown["updated_at"] = state["updated_at"]
    return shown
