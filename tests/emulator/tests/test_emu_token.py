# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The token flow, authentication errors, the error shape and keep-alive."""

from __future__ import annotations

import pytest
from emu_support import DOMAIN, OTHER_ORG_DOMAIN

TOKEN = "/oauth2/v2.0/token"


def _form(emu, **changes):
    form = {
        "grant_type": "client_credentials",
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
    }
    form.update(changes)
    return form


def test_token_issued_for_right_credentials(emu):
    with emu.client() as http:
        reply = http.request("POST", TOKEN, form=_form(emu))
    assert reply.status == 200
    body = reply.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 7200
    assert len(body["access_token"]) >= 32
    assert reply.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "changes",
    [{"client_secret": "wrong"}, {"client_id": "nobody"}, {"client_secret": ""}],
    ids=["wrong-secret", "unknown-client", "empty-secret"],
)
def test_wrong_credentials_are_invalid_client(emu, changes):
    with emu.client() as http:
        reply = http.request("POST", TOKEN, form=_form(emu, **changes))
    assert reply.status == 401
    assert reply.json()["code"] == "InvalidClient"


def test_grant_type_must_be_client_credentials(emu):
    with emu.client() as http:
        reply = http.request("POST", TOKEN, form=_form(emu, grant_type="password"))
    assert reply.status == 400
    assert reply.json()["code"] == "InvalidParameter"
    assert "grant_type" in reply.json()["message"]


@pytest.mark.parametrize("token", [None, "not-a-token"], ids=["missing", "unknown"])
def test_calls_without_a_valid_token_are_invalid_token(api, token):
    reply = api.call("GET", api.gateway_path(), token=token)
    assert reply.status == 401
    assert reply.json()["code"] == "InvalidToken"


def test_scheme_is_case_insensitive(api):
    reply = api.call("GET", api.gateway_path(), headers={"Authorization": f"Bearer {api.token}"})
    assert reply.json()["code"] == "GatewayNotFound"


def test_expired_tokens_are_refused_and_a_new_one_works(api, emu):
    assert api.get().status == 404
    assert emu.expire_tokens() >= 1
    reply = api.get()
    assert reply.status == 401
    assert reply.json()["code"] == "InvalidToken"
    api.token = emu.token()
    assert api.get().status == 404


def test_errors_are_json_with_a_request_id_matching_the_header(api):
    reply = api.get(domain="nowhere.example")
    body = reply.json()
    assert set(body) == {"code", "message", "requestId"}
    assert body["requestId"] == reply.headers["x-request-id"]


def test_every_response_carries_a_request_id(api):
    replies = [
        api.get(),
        api.put({"bad": 1}),
        api.call("GET", "/nothing/here"),
        api.call("GET", "/_emulator/health"),
    ]
    ids = [r.headers.get("x-request-id") for r in replies]
    assert all(ids) and len(set(ids)) == len(ids)


def test_unknown_path_and_method(api):
    assert api.call("GET", "/v3/anything").json()["code"] == "NotFound"
    reply = api.call("PATCH", api.gateway_path(), {})
    assert reply.status == 405
    assert reply.json()["code"] == "MethodNotAllowed"
    assert api.call("GET", "/oauth2/v2.0/token").status == 405


def test_keep_alive_reuses_one_connection(api):
    api.get()
    sock = api.http.connection.sock
    for _round in range(5):
        api.get()
        api.put({"name": ""})
    assert api.http.connection.sock is sock


def test_domain_of_another_organisation_is_not_found(api, emu):
    assert api.get(domain=OTHER_ORG_DOMAIN).json()["code"] == "DomainNotFound"
    with emu.client() as other:
        token = other.token("other", "other-secret")
        mine = other.request("GET", api.gateway_path(domain=DOMAIN), token=token)
        theirs = other.request("GET", api.gateway_path(domain=OTHER_ORG_DOMAIN), token=token)
    assert (mine.status, mine.json()["code"]) == (404, "DomainNotFound")
    assert (theirs.status, theirs.json()["code"]) == (404, "GatewayNotFound")


def test_unknown_domain_is_not_found(api):
    reply = api.get(domain="nowhere.example")
    assert (reply.status, reply.json()["code"]) == (404, "DomainNotFound")
