# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The two gateway resources: which fields each has, how a PUT body is checked, how the stored
record is answered."""

from __future__ import annotations

import re

from alimail_emulator import addresses

ADDRESS_FIELDS = {
    "sending": ("gatewayAddress",),
    "receiving": ("ingressAddress", "egressAddress"),
}
# The field whose entries the enable guard wants a recent successful test for.
TESTED_FIELD = {"sending": "gatewayAddress", "receiving": "ingressAddress"}
READ_ONLY_FIELDS = ("updatedAt",)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidParameter(ValueError):
    """A request field breaks a rule; ``field`` names it for the error message."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def check_email(field: str, value) -> str:
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.match(value):
        raise InvalidParameter(field, "must be an email address local@domain.tld")
    return value


def validate_body(kind: str, body) -> dict:
    """Return the record to store for a full PUT body, or raise InvalidParameter."""
    if not isinstance(body, dict):
        raise InvalidParameter("body", "must be a JSON object")
    known = ("name", *ADDRESS_FIELDS[kind], "verificationEmail", "enabled")
    for field in body:
        if field not in known and field not in READ_ONLY_FIELDS:
            raise InvalidParameter(field, f"is not a field of the {kind} gateway")
    for field in known:
        if field not in body:
            raise InvalidParameter(field, "is required (PUT takes the full body)")
    name = body["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidParameter("name", "must be a string of 1 to 200 characters")
    if not isinstance(body["enabled"], bool):
        raise InvalidParameter("enabled", "must be true or false")
    record = {
        "name": name,
        "verificationEmail": check_email("verificationEmail", body["verificationEmail"]),
        "enabled": body["enabled"],
    }
    for field in ADDRESS_FIELDS[kind]:
        try:
            entries = addresses.parse_field(body[field])
        except addresses.AddressError as exc:
            raise InvalidParameter(field, str(exc)) from None
        record[field] = addresses.canonical_field(entries)
    return record


def render(kind: str, record: dict) -> dict:
    """The API body for a stored record, in the service's own spelling of addresses."""
    body = {"name": record["name"]}
    for field in ADDRESS_FIELDS[kind]:
        body[field] = addresses.service_field(record[field])
    body["verificationEmail"] = record["verificationEmail"]
    body["enabled"] = record["enabled"]
    body["updatedAt"] = record["updatedAt"]
    return body
