# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Alibaba Mail API client: token, gateway reads and writes, the service test, retries.

Private to this collection; not a public API. The client secret and the access token are held in
``_Secret`` wrappers and scrubbed from every message the service sends back, so no exception,
repr or ``calls`` record can carry them.
"""

from __future__ import annotations

import json
import math
import random
import time
from urllib.parse import quote, quote_plus, urlencode

from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    InputError,
    NotVerified,
    PreconditionFailed,
)
from ansible_collections.alimail.gateways.plugins.module_utils._transport import (
    Refused,
    RemoteClosed,
    Reset,
    TimedOut,
    Transport,
    TransportError,
    redacted,
)

TOKEN_PATH = "/oauth2/v2.0/token"
KIND_NAMES = ("sending", "receiving")

# Replaying a GET, a DELETE or a PUT with If-Match is harmless (a replayed write meets 412), so
# these are retried on every "try again" status and on every failure without a reply.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_ERRORS = (Refused, Reset, TimedOut, RemoteClosed)
# The test POST makes the service send a real message: retry only what proves it did not start.
TEST_RETRY_STATUSES = frozenset({429, 503})
TEST_RETRY_ERRORS = (Refused,)
RETRY_AFTER_CAP = 30.0
BACKOFF_CAP = 30.0
TOKEN_MARGIN = 60.0  # renew a token this long before the service says it expires
HIDDEN = "<hidden>"


class _Secret:
    """Holds a credential so that repr(), str() and vars() of its owner never show it."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def reveal(self):
        return self._value

    def __repr__(self):
        return HIDDEN

    __str__ = __repr__


class _Reply:
    """One HTTP reply with the error fields of the contract pulled out."""

    def __init__(self, status, headers, data, attempts):
        self.status = status
        self.headers = headers
        self.attempts = attempts
        self.body = None
        self.json_ok = True
        if data:
            try:
                self.body = json.loads(data)
            except ValueError:
                self.json_ok = False
                self.body = " ".join(data[:200].decode("utf-8", "replace").split())
        fields = self.body if isinstance(self.body, dict) else {}
        self.code = fields.get("code") if isinstance(fields.get("code"), str) else None
        self.message = fields.get("message") if isinstance(fields.get("message"), str) else None
        if not self.json_ok and self.body:
            self.message = f"non-JSON reply: {self.body}"
        self.request_id = fields.get("requestId") or headers.get("x-request-id")

    def retry_after(self):
        """Retry-After in seconds (delta or HTTP date), or None when absent or unusable."""
        value = (self.headers.get("retry-after") or "").strip()
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                seconds = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                return None
        return max(0.0, seconds) if math.isfinite(seconds) else None


def gateway_path(domain, kind_name):
    if kind_name not in KIND_NAMES:
        raise ValueError(f"kind_name must be one of {KIND_NAMES}, not {kind_name!r}")
    return f"/v2/domains/{quote(str(domain), safe='')}/gateways/{kind_name}"


class Client:
    """The API client of one module run: one token, one keep-alive connection."""

    def __init__(
        self,
        base_url,
        client_id,
        client_secret,
        *,
        timeout=30,
        retries=5,
        validate_certs=True,
        ca_path=None,
        max_total=120.0,
        backoff=0.5,
        sleep=time.sleep,
        clock=time.monotonic,
        user_agent="alimail.gateways/0.1.0",
        jitter=random.random,
    ):
        if not client_id:
            raise InputError("client_id", client_id, "is required (or set ALIMAIL_CLIENT_ID)")
        if not client_secret:
            raise InputError("client_secret", None, "is required (or set ALIMAIL_CLIENT_SECRET)")
        if int(retries) < 1:
            raise InputError("api_retries", retries, "must be at least 1 (it counts all attempts)")
        if float(timeout) <= 0:
            raise InputError("api_timeout", timeout, "must be more than 0 seconds")
        self.base_url = base_url
        self.client_id = client_id
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.max_total = float(max_total)
        self.backoff = float(backoff)
        self.user_agent = user_agent
        self.calls = []
        self._secret = _Secret(client_secret)
        self._hidden = [self._secret]  # every credential seen, scrubbed from service text
        self._token = None
        self._token_expires = None
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._transport = Transport(
            base_url, timeout=self.timeout, validate_certs=validate_certs, ca_path=ca_path
        )

    def __repr__(self):
        return f"<Client {redacted(self.base_url)} client_id={self.client_id!r}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self._transport.close()

    # --- the contract -------------------------------------------------------------------------

    def get_gateway(self, domain, kind_name):
        """(body, etag) of the gateway, or (None, None) when that direction was never set up."""
        path = gateway_path(domain, kind_name)
        reply = self._authorized("GET", path)
        if reply.status == 200:
            return self._object("GET", path, reply), reply.headers.get("etag")
        if reply.status == 404 and reply.code == "GatewayNotFound":
            return None, None
        raise self._error("GET", path, reply)

    def put_gateway(self, domain, kind_name, body, etag=None):
        """Create or replace; returns (stored body, new etag). 412/428 -> PreconditionFailed."""
        path = gateway_path(domain, kind_name)
        data = json.dumps(body).encode("utf-8")
        reply = self._authorized("PUT", path, body=data, content_type="application/json", etag=etag)
        if reply.status in (200, 201):
            return self._object("PUT", path, reply), reply.headers.get("etag")
        raise self._error("PUT", path, reply)

    def delete_gateway(self, domain, kind_name, etag):
        """Delete; a gateway that is already gone is not an error (a retried DELETE meets 404)."""
        path = gateway_path(domain, kind_name)
        reply = self._authorized("DELETE", path, etag=etag)
        if reply.status in (200, 204):
            return
        if reply.status == 404 and reply.code != "DomainNotFound":
            return
        raise self._error("DELETE", path, reply)

    def test_gateway(self, domain, kind_name, address, verification_email):
        """Ask the service to send a test message through one address; returns its verdict."""
        path = gateway_path(domain, kind_name) + "/test"
        data = json.dumps({"address": address, "verificationEmail": verification_email})
        reply = self._authorized(
            "POST",
            path,
            body=data.encode("utf-8"),
            content_type="application/json",
            retry_statuses=TEST_RETRY_STATUSES,
            retry_errors=TEST_RETRY_ERRORS,
        )
        if reply.status == 200:
            return self._object("POST", path, reply)
        raise self._error("POST", path, reply)

    # --- token --------------------------------------------------------------------------------

    def _access_token(self):
        if self._token is not None and (
            self._token_expires is None or self._clock() < self._token_expires
        ):
            return self._token.reveal()
        self._token = self._token_expires = None
        form = urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._secret.reveal(),
            }
        ).encode("ascii")
        reply = self._send(
            "POST", TOKEN_PATH, body=form, content_type="application/x-www-form-urlencoded"
        )
        if reply.status != 200:
            raise self._error("POST", TOKEN_PATH, reply)
        body = reply.body if isinstance(reply.body, dict) else {}
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise ApiError(
                "POST", TOKEN_PATH, 200, None, "the reply has no access_token", reply.request_id
            )
        self._token = _Secret(token)
        self._hidden.append(self._token)
        expires_in = body.get("expires_in")
        if isinstance(expires_in, (int, float)) and expires_in > 0:
            life = max(expires_in - TOKEN_MARGIN, expires_in / 2)
            self._token_expires = self._clock() + life
        return token

    # --- one request, with retries ------------------------------------------------------------

    def _authorized(self, method, path, **kwargs):
        reply = self._send(method, path, auth=True, **kwargs)
        if reply.status == 401:
            # the token expired or was revoked mid-run: one new token, one retry, no loop
            self._token = None
            reply = self._send(method, path, auth=True, **kwargs)
        return reply

    def _send(
        self,
        method,
        path,
        *,
        body=None,
        content_type=None,
        etag=None,
        auth=False,
        retry_statuses=RETRY_STATUSES,
        retry_errors=RETRY_ERRORS,
    ):
        deadline = self._clock() + self.max_total
        attempt = 0
        while True:
            attempt += 1
            headers = {"Accept": "application/json", "User-Agent": self.user_agent}
            if content_type:
                headers["Content-Type"] = content_type
            if etag:
                headers["If-Match"] = etag
            if auth:
                headers["Authorization"] = "bearer " + self._access_token()
            timeout = min(self.timeout, max(deadline - self._clock(), 0.001))
            try:
                status, reply_headers, data = self._transport.request(
                    method, path, body, headers, timeout
                )
            except TransportError as exc:
                self._record(method, path, status=None, code=None, error=exc.name, attempt=attempt)
                delay = self._backoff(attempt) if isinstance(exc, retry_errors) else None
                if not self._may_retry(attempt, delay, deadline):
                    raise ApiError(method, path, None, None, exc.reason, None, attempt) from None
                self._sleep(delay)
                continue
            reply = _Reply(status, reply_headers, data, attempt)
            self._record(
                method,
                path,
                status=status,
                code=self._scrub(reply.code),
                error=None,
                attempt=attempt,
            )
            if status in retry_statuses:
                delay = reply.retry_after()
                delay = self._backoff(attempt) if delay is None else min(delay, RETRY_AFTER_CAP)
                if self._may_retry(attempt, delay, deadline):
                    self._sleep(delay)
                    continue
            return reply

    def _backoff(self, attempt):
        # exponential backoff with full jitter: spreads the retries of parallel module runs
        return self._jitter() * min(BACKOFF_CAP, self.backoff * 2 ** (attempt - 1))

    def _may_retry(self, attempt, delay, deadline):
        # a wait that would end past the total time bound is not started at all
        return delay is not None and attempt < self.retries and self._clock() + delay < deadline

    def _record(self, method, path, *, status, code, error, attempt):
        self.calls.append(
            {
                "method": method,
                "path": path,
                "status": status,
                "code": code,
                "error": error,
                "attempt": attempt,
            }
        )

    # --- replies ------------------------------------------------------------------------------

    def _object(self, method, path, reply):
        if isinstance(reply.body, dict):
            return reply.body
        why = "the reply is not a JSON object" if reply.json_ok else "the reply is not JSON"
        raise ApiError(method, path, reply.status, None, why, reply.request_id, reply.attempts)

    def _error(self, method, path, reply):
        cls = ApiError
        if reply.status in (412, 428):
            # 428: a create whose reply was lost is retried without If-Match and meets the
            # gateway it made; both mean "read again and re-diff"
            cls = PreconditionFailed
        elif reply.status == 409 and reply.code == "GatewayNotVerified":
            cls = NotVerified
        elif path == TOKEN_PATH and (reply.status == 401 or reply.code == "InvalidClient"):
            cls = AuthenticationError
        return cls(
            method,
            path,
            reply.status,
            self._scrub(reply.code),
            self._scrub(reply.message),
            self._scrub(reply.request_id),
            reply.attempts,
        )

    def _scrub(self, text):
        """Remove the secret and the token from text the service sent (it might echo them)."""
        if text is None:
            return None
        text = str(text)
        for held in self._hidden:
            value = held.reveal()
            if value:
                for form in (value, quote_plus(value), quote(value, safe="")):
                    text = text.replace(form, HIDDEN)
        return text
