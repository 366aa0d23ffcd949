# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP(S) front: one thread per connection, HTTP/1.1 keep-alive, faults applied before
the contract routes, every response with an x-request-id."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from alimail_emulator import contract, control
from alimail_emulator.wire import Request, Response, error, new_request_id

MAX_BODY = 1 << 20
log = logging.getLogger("alimail_emulator.http")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "alimail-emulator/0.1"
    # Idle keep-alive connections are closed after this many seconds.
    timeout = 120

    def version_string(self):
        return self.server_version

    def setup(self):
        super().setup()
        # Small replies on a kept-alive connection must not wait for a delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def do_GET(self):
        self._handle()

    do_PUT = do_POST = do_DELETE = do_PATCH = do_GET

    def _handle(self) -> None:
        started = time.monotonic()
        request_id = new_request_id()
        body = self._read_body(request_id)
        if body is None:
            return
        path, _mark, query = self.path.partition("?")
        req = Request(self.command, path, query, self.headers, body, request_id)
        app = self.server.app
        if path == control.PREFIX or path.startswith(control.PREFIX + "/"):
            self._send(self._safely(control.handle, app, req), request_id)
            return
        fault = app.faults.take(self.command, path)
        response, drop = self._contract_response(app, req, fault)
        status, code = (None, None) if drop else (response.status, response.code)
        elapsed = int((time.monotonic() - started) * 1000)
        # Logged before the reply goes out, so a client that has its answer finds it logged.
        app.log.add(
            self.command,
            path,
            status,
            code,
            request_id=request_id,
            fault=_fault_kind(fault),
            duration_ms=elapsed,
        )
        log.info("%s %s -> %s %s %sms", self.command, path, status, code or "-", elapsed)
        if drop:
            self._drop(reset=drop == "reset")
        else:
            self._send(response, request_id)

    def _contract_response(self, app, req, fault) -> tuple[Response | None, str | None]:
        """The reply to send, and how to drop the connection instead of sending it (or None)."""
        if fault is None:
            return self._safely(contract.handle, app, req), None
        if fault.latency:
            time.sleep(fault.latency)
        if fault.drop in ("before", "reset"):
            return None, fault.drop
        if fault.status:
            headers = {}
            if fault.retryAfter is not None:
                headers["Retry-After"] = f"{fault.retryAfter:g}"
            message = fault.message or f"injected fault: {fault.status} {fault.error_code}"
            return error(fault.status, fault.error_code, message, headers), None
        # Latency alone, or drop=after: the change is applied; with "after" the reply is lost.
        return self._safely(contract.handle, app, req), fault.drop

    def _safely(self, route, app, req) -> Response:
        try:
            return route(app, req)
        except Exception:
            log.exception("%s %s failed", req.method, req.path)
            return error(500, "InternalError", "the emulator failed to handle this request")

    def _read_body(self, request_id: str) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "identity").lower() != "identity":
            self._send(error(411, "LengthRequired", "send a Content-Length body"), request_id)
            self.close_connection = True
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._send(error(400, "InvalidParameter", "bad Content-Length"), request_id)
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, response: Response, request_id: str) -> None:
        payload = response.payload(request_id)
        self.send_response(response.status)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-request-id", request_id)
        for name, value in response.headers.items():
            self.send_header(name, value)
        # Headers and body in one write, as one segment where it fits.
        self._headers_buffer.append(b"\r\n" + (payload if self.command != "HEAD" else b""))
        self.flush_headers()

    def _drop(self, reset: bool) -> None:
        # No reply at all: the client sees the connection closed (or reset) under it.
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()

    def send_error(self, code, message=None, explain=None):
        # Malformed requests get the contract's error shape too.
        request_id = new_request_id()
        body = {"code": "BadRequest", "message": message or explain or "", "requestId": request_id}
        payload = json.dumps(body).encode("utf-8")
        self.close_connection = True
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-request-id", request_id)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(payload)

    def log_request(self, code="-", size="-"):
        pass  # _handle logs one line per request, without headers (they carry secrets)

    def log_message(self, format, *args):
        log.info("%s %s", self.address_string(), format % args)


def _fault_kind(fault) -> str | None:
    if fault is None:
        return None
    if fault.drop:
        return f"drop-{fault.drop}"
    return "status" if fault.status else "latency"


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Benchmarks open many connections at once; the default backlog of 5 would drop SYNs.
    request_queue_size = 128

    def __init__(self, address, app, tls_context: ssl.SSLContext | None = None):
        super().__init__(address, Handler)
        self.app = app
        if tls_context is not None:
            # The handshake runs in the connection's thread, so a stalled client blocks no one.
            self.socket = tls_context.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    def handle_error(self, request, client_address):
        log.warning("connection from %s ended with an error", client_address[0], exc_info=True)
