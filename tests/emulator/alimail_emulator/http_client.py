# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small HTTP client over http.client for the tests and the harness: one kept-alive
connection, JSON in and out, nothing retried (tests want to see every failure as it is)."""

from __future__ import annotations

import http.client
import json
import ssl
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit


@dataclass
class Reply:
    status: int
    headers: dict  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")


class HttpClient:
    def __init__(self, base_url: str, ca_path=None, timeout: float = 10.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.https = parts.scheme == "https"
        self.ca_path = ca_path
        self.timeout = timeout
        self.connection = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            if self.https:
                context = ssl.create_default_context(cafile=str(self.ca_path))
                self.connection = http.client.HTTPSConnection(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
        return self.connection

    def request(self, method, path, body=None, *, token=None, headers=None, form=None) -> Reply:
        sent = dict(headers or {})
        payload = None
        if form is not None:
            payload = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        if token is not None:
            sent["Authorization"] = f"bearer {token}"
        connection = self._connect()
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            data = response.read()
        except BaseException:
            self.close()
            raise
        reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        if response.will_close:
            self.close()
        return reply

    def token(self, client_id: str, client_secret: str) -> str:
        reply = self.request(
            "POST",
            "/oauth2/v2.0/token",
            form={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        if reply.status != 200:
            raise RuntimeError(f"token request failed: {reply.status} {reply.body[:200]!r}")
        return reply.json()["access_token"]

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
