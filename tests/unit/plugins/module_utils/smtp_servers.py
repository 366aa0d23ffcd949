# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SMTP servers on loopback for test_probe: a scripted raw-socket server and an aiosmtpd one.

Test helper. The raw server misbehaves on request (silence, slow or dribbled banner, odd replies,
a drop during DATA, a broken TLS handshake); the aiosmtpd one speaks real ESMTP with STARTTLS and
keeps the messages it accepted. Both are stopped by the fixtures that start them.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from aiosmtpd.controller import Controller

DEFAULT_EHLO = "250-raw.test\r\n250-PIPELINING\r\n250 8BITMIME"
DEFAULT_REPLIES = {
    "HELO": "250 raw.test",
    "MAIL": "250 2.1.0 Ok",
    "RCPT": "250 2.1.5 Ok",
    "RSET": "250 2.0.0 Ok",
    "NOOP": "250 2.0.0 Ok",
}


class RawSMTP:
    """A threaded SMTP-ish server. replies maps a command to a reply, or to "drop"/"silent".

    banner None: accept and never speak. dribble: send the banner one byte at a time, this many
    seconds apart. gate: a threading.Barrier every connection waits at before its banner.
    on_data "drop": read DATA's first line, then close. after_starttls "garbage": answer the
    client's TLS hello with plain text.
    """

    def __init__(
        self,
        host="127.0.0.1",
        *,
        banner="220 raw.test ESMTP",
        banner_delay=0.0,
        dribble=0.0,
        ehlo=DEFAULT_EHLO,
        replies=None,
        on_data="accept",
        after_starttls=None,
        gate=None,
    ):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.bind((host, 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self.host = host
        self.port = self._listener.getsockname()[1]
        self.target = (host, self.port)
        self.banner = banner
        self.banner_delay = banner_delay
        self.dribble = dribble
        self.replies = {"EHLO": ehlo, **DEFAULT_REPLIES, **(replies or {})}
        self.on_data = on_data
        self.after_starttls = after_starttls
        self.gate = gate
        self.commands = []
        self.messages = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._conns = set()
        self._workers = []
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def stop(self):
        self._stopped.set()
        self._thread.join(5)
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for worker in self._workers:
            worker.join(5)
        self._listener.close()

    def _accept_loop(self):
        while not self._stopped.is_set():
            try:
                conn = self._listener.accept()[0]
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._workers.append(worker)
            worker.start()

    def _serve(self, conn):
        with self._lock:
            self._conns.add(conn)
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            self._dialogue(conn)
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
                self.active -= 1
            conn.close()

    def _send(self, conn, text):
        conn.sendall(text.encode() + b"\r\n")

    def _dialogue(self, conn):
        if self.gate is not None:
            self.gate.wait(10)
        if self.banner_delay and self._stopped.wait(self.banner_delay):
            return
        if self.banner is None:
            self._stopped.wait()
            return
        if self.dribble:
            for byte in (self.banner + "\r\n").encode():
                if self._stopped.wait(self.dribble):
                    return
                conn.sendall(bytes([byte]))
        else:
            self._send(conn, self.banner)
        reader = conn.makefile("rb")
        while not self._stopped.is_set():
            line = reader.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            self.commands.append(command)
            verb = command.split(" ", 1)[0].upper()
            if verb == "QUIT":
                self._send(conn, "221 2.0.0 Bye")
                return
            if verb == "DATA":
                self._data(conn, reader)
                if self.on_data == "drop":
                    return
                continue
            reply = self.replies.get(verb, "502 5.5.2 Command not recognised")
            if reply == "drop":
                return
            if reply == "silent":
                self._stopped.wait()
                return
            self._send(conn, reply)
            if verb == "STARTTLS" and reply.startswith("220") and self.after_starttls:
                conn.recv(4096)  # the client's TLS hello
                conn.sendall(b"this is not TLS\r\n")
                return

    def _data(self, conn, reader):
        self._send(conn, "354 End data with <CR><LF>.<CR><LF>")
        if self.on_data == "drop":
            reader.readline()
            return
        lines = []
        while True:
            line = reader.readline()
            if not line or line in (b".\r\n", b".\n"):
                break
            lines.append(line)
        self.messages.append(b"".join(lines))
        self._send(conn, "250 2.0.0 Ok: queued")


class Recorder:
    """aiosmtpd handler: keeps accepted messages; rcpt_reply forces an RCPT verdict."""

    def __init__(self, rcpt_reply=None):
        self.rcpt_reply = rcpt_reply
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "content": envelope.original_content or envelope.content,
            }
        )
        return "250 2.0.0 Ok: queued"


class BoundController(Controller):
    """aiosmtpd Controller on a socket bound to port 0 first, so no port is guessed or raced."""

    def __init__(self, handler, host="127.0.0.1", **smtp_parameters):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.bind((host, 0))
        port = self._sock.getsockname()[1]
        super().__init__(
            handler, hostname=host, port=port, server_hostname="aio.test", **smtp_parameters
        )
        self.target = (host, port)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)
