# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Requests and responses as the routes see them, independent of the HTTP server."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from email.message import Message

from alimail_emulator.gateways import InvalidParameter


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: Message
    body: bytes
    request_id: str

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise InvalidParameter("body", "is not valid JSON") from None


@dataclass
class Response:
    status: int
    body: dict | list | None = None
    headers: dict = field(default_factory=dict)

    def payload(self, request_id: str) -> bytes:
        if self.status == 204 or self.body is None:
            return b""
        body = self.body
        if self.status >= 400 and isinstance(body, dict):
            body = {**body, "requestId": request_id}
        return (json.dumps(body) + "\n").encode("utf-8")

    @property
    def code(self) -> str | None:
        if self.status >= 400 and isinstance(self.body, dict):
            return self.body.get("code")
        return None


def ok(body, status: int = 200, headers: dict | None = None) -> Response:
    return Response(status, body, headers or {})


def error(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    return Response(status, {"code": code, "message": message}, headers or {})
