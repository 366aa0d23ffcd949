# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unit tests of the API client against a scripted HTTP server on 127.0.0.1.

Sleeping and the clock are injected, so retry tests run instantly and can assert every wait.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from ansible_collections.alimail.gateways.plugins.module_utils._api import Client
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    InputError,
    NotVerified,
    PreconditionFailed,
)
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.http_script import (
    SECRET,
    TOKEN_MARK,
    ScriptedHTTP,
    error,
    step,
)

PATH = "/v2/domains/example.com/gateways/sending"
BODY = {
    "name": "Relay",
    "gatewayAddress": "203.0.113.10",
    "verificationEmail": "postmaster@example.com",
    "enabled": False,
    "updatedAt": "2026-01-01T00:00:00Z",
}


class FakeTime:
    """clock() advances only when sleep() is called; every wait is recorded."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def server():
    srv = ScriptedHTTP()
    yield srv
    srv.stop()


@pytest.fixture
def fake():
    return FakeTime()


@pytest.fixture
def make(server, fake):
    """Client factory: the scripted server, fake time, jitter 1.0 (waits are the full cap)."""
    made = []

    def factory(**kwargs):
        options = {"sleep": fake.sleep, "clock": fake.clock, "jitter": lambda: 1.0, "timeout": 5}
        options.update(kwargs)
        client = Client(options.pop("url", server.url), "demo", SECRET, **options)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


def texts(exc, client):
    """Everything a secret could leak into: the error, the client, its calls record."""
    return [str(exc), repr(exc), repr(exc.args), repr(vars(exc)), repr(client), str(client.calls)]


def assert_no_secret(*blobs):
    for blob in blobs:
        assert SECRET not in blob
        assert TOKEN_MARK not in blob
        assert "bearer" not in blob.lower()


# --- token --------------------------------------------------------------------------------------


def test_token_is_fetched_once_per_client_with_form_credentials(server, make):
    server.add(step(200, BODY, {"ETag": '"e1"'}), step(200, BODY, {"ETag": '"e1"'}))
    client = make()
    assert server.requests == []  # lazily: nothing before the first call
    client.get_gateway("example.com", "sending")
    client.get_gateway("example.com", "sending")
    tokens = server.token_requests()
    assert len(tokens) == 1
    assert tokens[0]["headers"]["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(tokens[0]["body"].decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["demo"],
        "client_secret": [SECRET],
    }


def test_calls_carry_the_bearer_token_and_share_one_connection(server, make):
    server.add(step(200, BODY), step(200, BODY))
    client = make()
    client.get_gateway("example.com", "sending")
    client.get_gateway("example.com", "sending")
    gets = [r for r in server.requests if r["method"] == "GET"]
    assert all(r["headers"]["authorization"] == f"bearer {server.tokens[0]}" for r in gets)
    assert client._transport.connections == 1
    assert len({r["peer"] for r in server.requests}) == 1


def test_invalid_client_is_an_authentication_error_without_retry(server, make):
    server.add_token(error(401, "InvalidClient", f"client_secret {SECRET} is wrong"))
    client = make()
    with pytest.raises(AuthenticationError) as caught:
        client.get_gateway("example.com", "sending")
    exc = caught.value
    assert (exc.status, exc.code, exc.method, exc.path) == (
        401,
        "InvalidClient",
        "POST",
        "/oauth2/v2.0/token",
    )
    assert len(server.token_requests()) == 1
    assert server.calls() == []
    assert_no_secret(*texts(exc, client))


def test_invalid_token_gets_one_new_token_and_one_retry(server, make):
    server.add(error(401, "InvalidToken"), step(200, BODY, {"ETag": '"e2"'}))
    client = make()
    assert client.get_gateway("example.com", "sending") == (BODY, '"e2"')
    assert len(server.tokens) == 2
    gets = [r for r in server.requests if r["method"] == "GET"]
    assert [g["headers"]["authorization"] for g in gets] == [
        f"bearer {server.tokens[0]}",
        f"bearer {server.tokens[1]}",
    ]


def test_invalid_token_twice_fails_instead_of_looping(server, make):
    server.add(error(401, "InvalidToken"), error(401, "InvalidToken"))
    client = make()
    with pytest.raises(ApiError) as caught:
        client.get_gateway("example.com", "sending")
    assert caught.value.status == 401
    assert len(server.tokens) == 2
    assert len(server.calls()) == 2


def test_token_is_renewed_before_it_expires(server, make, fake):
    server.add_token(step(200, {"access_token": f"{TOKEN_MARK}-short", "expires_in": 120}))
    server.add(step(200, BODY), step(200, BODY))
    client = make()
    client.get_gateway("example.com", "sending")
    fake.now += 61  # past expires_in minus the safety margin
    client.get_gateway("example.com", "sending")
    assert len(server.token_requests()) == 2


def test_token_reply_without_access_token_fails(server, make):
    server.add_token(step(200, {"token_type": "bearer"}))
    with pytest.raises(ApiError, match="no access_token"):
        make().get_gateway("example.com", "sending")


# --- gateway resource ---------------------------------------------------------------------------


def test_get_returns_body_and_etag(server, make):
    server.add(step(200, BODY, {"ETag": 'W/"abc"'}))
    assert make().get_gateway("example.com", "sending") == (BODY, 'W/"abc"')
    assert server.calls() == [("GET", PATH)]


def test_get_of_a_direction_never_configured_is_none(server, make):
    server.add(error(404, "GatewayNotFound"))
    assert make().get_gateway("example.com", "receiving") == (None, None)
    assert server.calls() == [("GET", "/v2/domains/example.com/gateways/receiving")]


def test_get_of_an_unknown_domain_is_an_api_error(server, make):
    server.add(error(404, "DomainNotFound", "domain nope.example is not in the organisation"))
    with pytest.raises(ApiError) as caught:
        make().get_gateway("nope.example", "sending")
    exc = caught.value
    assert (exc.status, exc.code, exc.attempts) == (404, "DomainNotFound", 1)
    assert "GET /v2/domains/nope.example/gateways/sending returned 404 DomainNotFound" in str(exc)
    assert "requestId rid-DomainNotFound" in str(exc)


def test_domain_is_quoted_into_the_path(server, make):
    server.add(error(404, "DomainNotFound"))
    with pytest.raises(ApiError):
        make().get_gateway("../../oauth2", "sending")
    assert server.calls() == [("GET", "/v2/domains/..%2F..%2Foauth2/gateways/sending")]


def test_unknown_kind_is_a_programming_error(make):
    with pytest.raises(ValueError, match="kind_name"):
        make().get_gateway("example.com", "outgoing")


def test_put_sends_if_match_and_returns_the_new_etag(server, make):
    server.add(step(200, BODY, {"ETag": '"e2"'}))
    desired = {k: v for k, v in BODY.items() if k != "updatedAt"}
    assert make().put_gateway("example.com", "sending", desired, etag='"e1"') == (BODY, '"e2"')
    put = server.requests[-1]
    assert put["headers"]["if-match"] == '"e1"'
    assert put["headers"]["content-type"] == "application/json"
    assert json.loads(put["body"]) == desired


def test_put_without_etag_sends_no_if_match(server, make):
    server.add(step(200, BODY, {"ETag": '"e1"'}))
    make().put_gateway("example.com", "sending", BODY)
    assert "if-match" not in server.requests[-1]["headers"]


@pytest.mark.parametrize(
    ("status", "code"), [(412, "PreconditionFailed"), (428, "PreconditionRequired")]
)
def test_stale_or_missing_etag_is_precondition_failed(server, make, status, code):
    server.add(error(status, code))
    with pytest.raises(PreconditionFailed) as caught:
        make().put_gateway("example.com", "sending", BODY, etag='"old"')
    assert caught.value.status == status
    assert len(server.calls()) == 1  # not retried: the caller re-reads and re-diffs


def test_enable_guard_is_not_verified(server, make):
    server.add(error(409, "GatewayNotVerified", "no successful test in the last 15 minutes"))
    with pytest.raises(NotVerified) as caught:
        make().put_gateway("example.com", "sending", BODY, etag='"e1"')
    assert "409 GatewayNotVerified - no successful test" in str(caught.value)


def test_invalid_parameter_names_the_field_and_is_not_retried(server, make):
    server.add(error(400, "InvalidParameter", "gatewayAddress: 300.1.1.1 is not an address"))
    with pytest.raises(ApiError) as caught:
        make().put_gateway("example.com", "sending", BODY)
    assert "gatewayAddress: 300.1.1.1" in str(caught.value)
    assert len(server.calls()) == 1


def test_lost_put_reply_is_retried_and_meets_412(server, make):
    # applied by the service, reply lost: the replay's If-Match is stale now
    server.add(step(action="drop"), error(412, "PreconditionFailed"))
    client = make()
    with pytest.raises(PreconditionFailed):
        client.put_gateway("example.com", "sending", BODY, etag='"e1"')
    assert [c["error"] or c["status"] for c in client.calls[1:]] == ["closed", 412]


def test_delete_sends_if_match_and_a_missing_gateway_is_quiet(server, make):
    server.add(step(204), error(404, "GatewayNotFound"))
    client = make()
    assert client.delete_gateway("example.com", "sending", '"e1"') is None
    assert client.delete_gateway("example.com", "sending", '"e1"') is None
    assert server.requests[-1]["headers"]["if-match"] == '"e1"'
    assert server.calls() == [("DELETE", PATH), ("DELETE", PATH)]


def test_delete_in_an_unknown_domain_is_an_error(server, make):
    server.add(error(404, "DomainNotFound"))
    with pytest.raises(ApiError, match="DomainNotFound"):
        make().delete_gateway("nope.example", "sending", '"e1"')


def test_test_endpoint_posts_the_address_and_returns_the_verdict(server, make):
    verdict = {"success": True, "stage": "done", "tls": True, "message": "ok", "elapsedMs": 80}
    server.add(step(200, verdict))
    result = make().test_gateway("example.com", "sending", "203.0.113.10", "pm@example.com")
    assert result == verdict
    post = server.requests[-1]
    assert post["path"] == PATH + "/test"
    assert json.loads(post["body"]) == {
        "address": "203.0.113.10",
        "verificationEmail": "pm@example.com",
    }


def test_non_json_success_is_an_api_error(server, make):
    server.add(step(200, b"<html>proxy</html>"))
    with pytest.raises(ApiError, match="not JSON"):
        make().get_gateway("example.com", "sending")


# --- retries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_backoff(server, make, fake, status):
    server.add(error(status, "Busy"), error(status, "Busy"), step(200, BODY))
    client = make(backoff=0.5)
    assert client.get_gateway("example.com", "sending")[0] == BODY
    assert fake.sleeps == [0.5, 1.0]  # jitter 1.0: the full exponential cap
    assert [c["attempt"] for c in client.calls if c["method"] == "GET"] == [1, 2, 3]


def test_backoff_uses_full_jitter(server, make, fake):
    server.add(error(503, "Busy"), error(503, "Busy"), step(200, BODY))
    draws = iter([0.25, 0.5])
    make(backoff=2.0, jitter=lambda: next(draws)).get_gateway("example.com", "sending")
    assert fake.sleeps == [0.5, 2.0]  # 0.25 * 2, 0.5 * 4


def test_429_retry_after_is_honoured(server, make, fake):
    server.add(step(429, {"code": "Throttling"}, {"Retry-After": "3"}), step(200, BODY))
    make().get_gateway("example.com", "sending")
    assert fake.sleeps == [3.0]


def test_429_retry_after_is_capped(server, make, fake):
    server.add(step(429, {"code": "Throttling"}, {"Retry-After": "3600"}), step(200, BODY))
    make(max_total=600).get_gateway("example.com", "sending")
    assert fake.sleeps == [30.0]


def test_retry_after_as_http_date_is_understood(server, make, fake):
    server.add(
        step(429, {"code": "Throttling"}, {"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"}),
        step(200, BODY),
    )
    make(max_total=600).get_gateway("example.com", "sending")
    assert fake.sleeps == [30.0]


def test_retry_after_past_the_time_left_gives_up_now(server, make, fake):
    server.add(step(429, {"code": "Throttling"}, {"Retry-After": "20"}))
    with pytest.raises(ApiError) as caught:
        make(max_total=10).get_gateway("example.com", "sending")
    assert fake.sleeps == []
    assert caught.value.status == 429


def test_exhausted_retries_name_request_status_request_id_and_attempts(server, make):
    server.add(*[error(503, "ServiceUnavailable", "maintenance") for _index in range(3)])
    client = make(retries=3)
    with pytest.raises(ApiError) as caught:
        client.get_gateway("example.com", "sending")
    exc = caught.value
    assert (exc.status, exc.code, exc.attempts, exc.request_id) == (
        503,
        "ServiceUnavailable",
        3,
        "rid-ServiceUnavailable",
    )
    assert str(exc) == (
        f"GET {PATH} returned 503 ServiceUnavailable - maintenance after 3 attempts "
        "(requestId rid-ServiceUnavailable)"
    )
    assert len(server.calls()) == 3


def test_request_id_falls_back_to_the_header(server, make):
    server.add(step(400, b"", {"x-request-id": "hdr-77"}))
    with pytest.raises(ApiError, match="requestId hdr-77"):
        make().get_gateway("example.com", "sending")


def test_total_time_bound_stops_retrying(server, make, fake):
    server.add(*[error(500, "InternalError") for _index in range(10)])
    client = make(retries=10, backoff=4, max_total=10)
    with pytest.raises(ApiError) as caught:
        client.get_gateway("example.com", "sending")
    assert fake.sleeps == [4.0]  # the next wait (8 s) would end past the 10 s bound
    assert caught.value.attempts == 2


def test_retries_count_total_attempts(server, make):
    server.add(error(500, "InternalError"))
    with pytest.raises(ApiError) as caught:
        make(retries=1).get_gateway("example.com", "sending")
    assert caught.value.attempts == 1
    assert "after" not in str(caught.value)


@pytest.mark.parametrize(
    ("fault", "name"),
    [
        (step(action="reset"), "reset"),
        (step(action="drop"), "closed"),
        (step(delay=1.0), "timeout"),
    ],
    ids=["reset", "drop", "timeout"],
)
def test_failures_without_reply_are_retried_for_get(server, make, fault, name):
    server.add(fault, step(200, BODY))
    client = make(timeout=0.3)
    assert client.get_gateway("example.com", "sending")[0] == BODY
    gets = [c for c in client.calls if c["method"] == "GET"]
    assert [(c["error"], c["status"]) for c in gets] == [(name, None), (None, 200)]


def test_refused_is_retried_for_get_until_attempts_run_out(server, make):
    server.add(step(200, BODY))
    client = make(retries=3)
    client.get_gateway("example.com", "sending")
    server.stop()
    with pytest.raises(ApiError) as caught:
        client.get_gateway("example.com", "sending")
    exc = caught.value
    assert exc.status is None
    assert exc.attempts == 3
    assert "connection refused" in str(exc)
    assert [c["error"] for c in client.calls[-3:]] == ["refused"] * 3


@pytest.mark.parametrize(
    ("fault", "name"),
    [
        (step(action="reset"), "reset"),
        (step(action="drop"), "closed"),
        (step(delay=1.0), "timeout"),
        (error(500, "InternalError"), 500),
        (error(502, "BadGateway"), 502),
    ],
    ids=["reset", "drop", "timeout", "500", "502"],
)
def test_test_post_is_not_retried_when_it_may_have_run(server, make, fault, name):
    server.add(fault, step(200, {"success": True}))
    client = make(timeout=0.3)
    with pytest.raises(ApiError) as caught:
        client.test_gateway("example.com", "sending", "203.0.113.10", "pm@example.com")
    assert caught.value.attempts == 1
    posts = [c for c in client.calls if c["path"].endswith("/test")]
    assert [c["error"] or c["status"] for c in posts] == [name]


@pytest.mark.parametrize("status", [429, 503])
def test_test_post_is_retried_when_the_service_says_it_did_not_start(server, make, status):
    server.add(error(status, "Busy"), step(200, {"success": True}))
    client = make()
    assert client.test_gateway("example.com", "sending", "203.0.113.10", "pm@example.com") == {
        "success": True
    }
    assert len([c for c in client.calls if c["path"].endswith("/test")]) == 2


def test_test_post_is_retried_on_refused(server, make):
    server.add(step(200, BODY))
    client = make(retries=2)
    client.get_gateway("example.com", "sending")
    server.stop()
    with pytest.raises(ApiError) as caught:
        client.test_gateway("example.com", "sending", "203.0.113.10", "pm@example.com")
    assert caught.value.attempts == 2


def test_token_request_is_retried_like_a_get(server, make):
    server.add_token(error(503, "ServiceUnavailable"))
    server.add(step(200, BODY))
    client = make()
    client.get_gateway("example.com", "sending")
    assert [c["status"] for c in client.calls] == [503, 200, 200]


# --- records and secrets ------------------------------------------------------------------------


def test_calls_record_every_exchange(server, make):
    server.add(error(503, "ServiceUnavailable"), step(200, BODY))
    client = make()
    client.get_gateway("example.com", "sending")
    assert client.calls == [
        {
            "method": "POST",
            "path": "/oauth2/v2.0/token",
            "status": 200,
            "code": None,
            "error": None,
            "attempt": 1,
        },
        {
            "method": "GET",
            "path": PATH,
            "status": 503,
            "code": "ServiceUnavailable",
            "error": None,
            "attempt": 1,
        },
        {"method": "GET", "path": PATH, "status": 200, "code": None, "error": None, "attempt": 2},
    ]


def test_no_secret_or_token_in_any_error_repr_or_record(server, make):
    server.add(step(200, BODY))
    client = make(retries=2, timeout=0.3)
    client.get_gateway("example.com", "sending")
    blobs = []
    leaky = [
        error(400, "InvalidParameter", f"echo {SECRET} and {server.tokens[0]}"),
        error(401, f"Invalid{server.tokens[0]}", "no"),
        error(401, "InvalidToken", SECRET),
        step(action="reset"),
        step(action="reset"),
        step(200, b"not json " + SECRET.encode()),
    ]
    server.add(*leaky)
    for _index in range(4):
        with pytest.raises(ApiError) as caught:
            client.put_gateway("example.com", "sending", BODY, etag='"e"')
        blobs += texts(caught.value, client)
    blobs += [repr(vars(client)), repr(client._transport)]
    assert_no_secret(*blobs)


def test_no_secret_when_the_credentials_are_refused(server, make):
    server.add_token(step(401, b"bad " + SECRET.encode()))
    client = make()
    with pytest.raises(AuthenticationError) as caught:
        client.get_gateway("example.com", "sending")
    assert_no_secret(*texts(caught.value, client))


def test_constructor_refuses_bad_settings_without_showing_the_secret(server):
    with pytest.raises(InputError, match="client_id"):
        Client(server.url, "", SECRET)
    with pytest.raises(InputError) as caught:
        Client(server.url, "demo", "")
    assert caught.value.option == "client_secret"
    with pytest.raises(InputError, match="api_retries"):
        Client(server.url, "demo", SECRET, retries=0)
    with pytest.raises(InputError, match="api_timeout"):
        Client(server.url, "demo", SECRET, timeout=0)
    assert server.requests == []
