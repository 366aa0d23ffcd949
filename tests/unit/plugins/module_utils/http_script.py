# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real HTTP/1.1 server on 127.0.0.1 that answers from a script and records every request.

Test helper for test_transport and test_api. Token requests get a fresh token unless the test
scripts them; every other request takes the next scripted step, so a test reads as the exchange
it expects.
"""

from __future__ import annotations

import collections
import contextlib
import http.server
import json
import socket
import ssl
import struct
import threading

TOKEN_PATH = "/oauth2/v2.0/token"
SECRET = "s3cr3t-Value/+&=xyz"
TOKEN_MARK = "TKN-do-not-leak"


def step(status=200, body=None, headers=None, *, action=None, delay=0.0):
    """One scripted reply. action: None, "drop" (close, no reply), "reset" (RST, no reply),
    "close_after" (reply, then close the idle connection without saying so)."""
    return {
        "status": status,
        "body": body,
        "headers": headers or {},
        "action": action,
        "delay": delay,
    }


def error(status, code, message="scripted", **headers):
    return step(status, {"code": code, "message": message, "requestId": f"rid-{code}"}, headers)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._handle()

    do_PUT = do_DELETE = do_POST = do_GET

    def _handle(self):
        script = self.server.script
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        script.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
                "peer": self.client_address[1],
            }
        )
        reply = script.next_step(self.path)
        if reply["delay"]:
            script.released.wait(reply["delay"])
        if reply["action"] == "drop":
            self.close_connection = True
            return
        if reply["action"] == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        data = reply["body"]
        if isinstance(data, (dict, list)):
            data = json.dumps(data).encode()
        data = data or b""
        self.send_response(reply["status"])
        headers = {"x-request-id": f"hdr-rid-{len(script.requests)}", **reply["headers"]}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if reply["action"] == "close_after":
            self.wfile.flush()
            self.close_connection = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, script, context):
        self.script = script
        self.context = context
        self.open_sockets = set()
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request, client_address):
        self.open_sockets.add(request)
        # headers and body go out in two writes: without this, Nagle and delayed ACK add 40 ms
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.context is not None:
            # handshake in the worker thread, so a client that rejects the cert cannot stall accept
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
            self.open_sockets.add(request)
        super().finish_request(request, client_address)


class ScriptedHTTP:
    """Start with ScriptedHTTP(); always stop() (the fixtures do it in their finalizer)."""

    def __init__(self, context=None):
        self.steps = collections.deque()
        self.token_steps = collections.deque()
        self.requests = []
        self.tokens = []
        self.released = threading.Event()
        self._server = _Server(self, context)
        self.port = self._server.server_address[1]
        scheme = "https" if context is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def add(self, *steps):
        self.steps.extend(steps)
        return self

    def add_token(self, *steps):
        self.token_steps.extend(steps)
        return self

    def next_step(self, path):
        if path.endswith(TOKEN_PATH):
            if self.token_steps:
                return self.token_steps.popleft()
            token = f"{TOKEN_MARK}-{len(self.tokens) + 1}"
            self.tokens.append(token)
            return step(200, {"access_token": token, "token_type": "bearer", "expires_in": 7200})
        if self.steps:
            return self.steps.popleft()
        return error(500, "ScriptExhausted", "the test scripted no reply for this request")

    def calls(self, token=False):
        """(method, path) of recorded requests, token requests left out unless asked for."""
        return [
            (r["method"], r["path"])
            for r in self.requests
            if token or not r["path"].endswith(TOKEN_PATH)
        ]

    def token_requests(self):
        return [r for r in self.requests if r["path"].endswith(TOKEN_PATH)]

    def stop(self):
        """Stop serving and drop every open connection: afterwards the port refuses."""
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        for sock in list(self._server.open_sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._thread.join(5)
