# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The gateway resources: GET/PUT/DELETE, ETags and If-Match, validation, address spelling."""

from __future__ import annotations

import re

import pytest
from emu_support import receiving, sending

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_never_configured_direction_is_gateway_not_found(api):
    for kind in ("sending", "receiving"):
        reply = api.get(kind)
        assert (reply.status, reply.json()["code"]) == (404, "GatewayNotFound")
        assert kind in reply.json()["message"]


def test_unknown_kind_is_not_found(api):
    reply = api.call("GET", "/v2/domains/example.com/gateways/sideways")
    assert (reply.status, reply.json()["code"]) == (404, "NotFound")


def test_create_returns_the_stored_body_and_an_etag(api):
    reply = api.put(sending())
    assert reply.status == 200
    body = reply.json()
    assert set(body) == {"name", "gatewayAddress", "verificationEmail", "enabled", "updatedAt"}
    assert body["name"] == "Outbound DLP"
    assert body["enabled"] is False
    assert RFC3339.match(body["updatedAt"])
    assert reply.etag
    read = api.get()
    assert read.status == 200
    assert read.json() == body
    assert read.etag == reply.etag


def test_receiving_has_ingress_and_egress(api):
    reply = api.put(receiving(), kind="receiving")
    assert reply.status == 200
    assert set(reply.json()) == {
        "name",
        "ingressAddress",
        "egressAddress",
        "verificationEmail",
        "enabled",
        "updatedAt",
    }
    assert api.get("sending").status == 404


def test_replace_needs_if_match(api):
    created = api.put(sending())
    reply = api.put(sending(name="Second"))
    assert (reply.status, reply.json()["code"]) == (428, "PreconditionRequired")
    reply = api.put(sending(name="Second"), etag='"stale"')
    assert (reply.status, reply.json()["code"]) == (412, "PreconditionFailed")
    reply = api.put(sending(name="Second"), etag=created.etag)
    assert reply.status == 200
    assert reply.json()["name"] == "Second"
    assert reply.etag != created.etag
    # The old ETag is stale now.
    assert api.put(sending(name="Third"), etag=created.etag).status == 412


def test_if_match_on_a_gateway_that_is_gone_fails(api):
    created = api.put(sending())
    assert api.delete(etag=created.etag).status == 204
    reply = api.put(sending(), etag=created.etag)
    assert (reply.status, reply.json()["code"]) == (412, "PreconditionFailed")


def test_if_match_accepts_weak_and_listed_etags(api):
    etag = api.put(sending()).etag
    assert api.put(sending(name="A"), etag=f'"x", W/{etag}').status == 200


def test_delete(api):
    created = api.put(sending())
    assert api.delete().json()["code"] == "PreconditionRequired"
    assert api.delete(etag='"stale"').json()["code"] == "PreconditionFailed"
    reply = api.delete(etag=created.etag)
    assert reply.status == 204
    assert reply.body == b""
    assert api.get().status == 404
    reply = api.delete(etag=created.etag)
    assert (reply.status, reply.json()["code"]) == (404, "GatewayNotFound")


BAD_BODIES = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": 5}, "name"),
    ({"verificationEmail": "ops"}, "verificationEmail"),
    ({"verificationEmail": "ops@localhost"}, "verificationEmail"),
    ({"verificationEmail": "o ps@example.com"}, "verificationEmail"),
    ({"enabled": "true"}, "enabled"),
    ({"gatewayAddress": ""}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.1,,127.0.0.2"}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.1,"}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.256"}, "gatewayAddress"),
    ({"gatewayAddress": "127.1"}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.1:0"}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.1:65536"}, "gatewayAddress"),
    ({"gatewayAddress": "[::1]"}, "gatewayAddress"),
    ({"gatewayAddress": "[::1]:2525x"}, "gatewayAddress"),
    ({"gatewayAddress": "[127.0.0.1]:25"}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.1/33"}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.1/24"}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.9-127.0.0.1"}, "gatewayAddress"),
    ({"gatewayAddress": "127.0.0.1-::1"}, "gatewayAddress"),
    ({"gatewayAddress": "mail.example.com"}, "gatewayAddress"),
    ({"gatewayAddress": ["127.0.0.1"]}, "gatewayAddress"),
    ({"colour": "blue"}, "colour"),
]


@pytest.mark.parametrize(
    ("changes", "field"), BAD_BODIES, ids=[repr(c) for c, _field in BAD_BODIES]
)
def test_invalid_field_is_400_naming_it(api, changes, field):
    reply = api.put(sending(**changes))
    assert reply.status == 400
    assert reply.json()["code"] == "InvalidParameter"
    assert reply.json()["message"].startswith(f"{field}:")
    assert api.get().status == 404


@pytest.mark.parametrize("missing", ["name", "gatewayAddress", "verificationEmail", "enabled"])
def test_put_needs_the_full_body(api, missing):
    body = sending()
    del body[missing]
    reply = api.put(body)
    assert reply.status == 400
    assert reply.json()["message"].startswith(f"{missing}:")


def test_wrong_kind_fields_and_bad_json_are_refused(api):
    reply = api.put(sending(), kind="receiving")
    assert reply.json()["message"].startswith("gatewayAddress:")
    reply = api.call("PUT", api.gateway_path(), b"{not json")
    assert (reply.status, reply.json()["message"]) == (400, "body: is not valid JSON")
    assert api.call("PUT", api.gateway_path(), b"[1]").json()["message"].startswith("body:")


def test_host_bits_message_suggests_the_network(api):
    reply = api.put(sending(gatewayAddress="127.0.0.5/30"))
    assert "127.0.0.4/30" in reply.json()["message"]


def test_every_address_form_is_accepted(api):
    field = "127.0.0.1, 127.0.0.2:2525, [::1]:2525, ::1, 127.0.1.0/28, 127.0.2.10-127.0.2.20"
    assert api.put(sending(gatewayAddress=field)).status == 200


def test_addresses_come_back_reordered_respaced_and_expanded(api):
    sent = "::1,127.0.0.2:2525,127.0.0.1,[::1]:2525,127.0.1.0/28,127.0.2.10-127.0.2.20"
    body = api.put(sending(gatewayAddress=sent)).json()
    assert body["gatewayAddress"] == (
        "[0000:0000:0000:0000:0000:0000:0000:0001]:2525, "
        "0000:0000:0000:0000:0000:0000:0000:0001, "
        "127.0.2.10-127.0.2.20, 127.0.1.0/28, 127.0.0.2:2525, 127.0.0.1"
    )
    assert body["gatewayAddress"] != sent
    # The same set, whatever the spelling.
    assert _entries(body["gatewayAddress"]) == _entries(sent)
    assert api.get().json()["gatewayAddress"] == body["gatewayAddress"]


def test_duplicate_entries_collapse(api):
    body = api.put(sending(gatewayAddress="127.0.0.1, 127.0.0.1 ,0:0:0:0:0:0:0:1,::1")).json()
    assert body["gatewayAddress"] == "0000:0000:0000:0000:0000:0000:0000:0001, 127.0.0.1"


def test_read_only_updated_at_is_ignored_on_put(api):
    body = api.put(sending(updatedAt="2000-01-01T00:00:00Z")).json()
    assert body["updatedAt"] != "2000-01-01T00:00:00Z"


def _entries(field: str) -> set:
    from alimail_emulator import addresses

    return set(addresses.parse_field(field))
