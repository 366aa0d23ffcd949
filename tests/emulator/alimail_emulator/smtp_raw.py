# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Listeners written on raw asyncio streams: the misbehaviours no ordinary MTA library shows
(a broken TLS handshake, silence, bad banners, junk, a drop in the middle of DATA)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading

from alimail_emulator.smtp_aiosmtpd import peer_text

BEHAVIOURS = (
    "broken_tls",
    "banner_421",
    "banner_554",
    "silent",
    "drop",
    "garbage",
    "helo_only",
    "starttls_454",
)
# A TLS fatal alert record (handshake_failure) sent where a ServerHello belongs.
_TLS_ALERT = b"\x15\x03\x03\x00\x02\x02\x28"
_GARBAGE = b"?\x00\xff*** not an SMTP reply ***\r\n"
_ADDRESS = re.compile(r"^(?:FROM|TO):\s*<([^>]*)>", re.IGNORECASE)


class _Session:
    def __init__(self, spec, messages, idle_timeout, reader, writer):
        self.spec = spec
        self.messages = messages
        self.idle = idle_timeout
        self.reader = reader
        self.writer = writer
        self.host = f"{spec.name.replace('_', '-')}.gateway.emulator.test"

    async def send(self, *lines: str) -> None:
        self.writer.write("".join(f"{line}\r\n" for line in lines).encode())
        await self.writer.drain()

    async def readline(self) -> str | None:
        try:
            line = await asyncio.wait_for(self.reader.readline(), self.idle)
        except (TimeoutError, ConnectionError):
            return None
        if not line:
            return None
        return line.decode("utf-8", errors="replace").rstrip("\r\n")

    async def read_data(self) -> bytes | None:
        lines = []
        while True:
            try:
                line = await asyncio.wait_for(self.reader.readline(), self.idle)
            except (TimeoutError, ConnectionError):
                return None
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


async def _silent(s: _Session) -> None:
    with contextlib.suppress(TimeoutError, ConnectionError):
        await asyncio.wait_for(s.reader.read(), s.idle)


async def _banner_421(s: _Session) -> None:
    await s.send(f"421 4.3.2 {s.host} service not available, closing transmission channel")


async def _banner_554(s: _Session) -> None:
    # RFC 5321 3.1: after a 554 greeting the server waits for QUIT and refuses everything else.
    await s.send(f"554 5.3.2 {s.host} no SMTP service here")
    while (line := await s.readline()) is not None:
        if line.upper().startswith("QUIT"):
            await s.send("221 2.0.0 bye")
            return
        await s.send("503 5.5.1 no SMTP service here")


async def _garbage(s: _Session) -> None:
    s.writer.write(_GARBAGE)
    await s.writer.drain()
    while await s.readline() is not None:
        s.writer.write(_GARBAGE)
        await s.writer.drain()


async def _dialogue(s: _Session, *, ehlo=True, starttls=None, drop_in_data=False) -> None:
    """Enough SMTP for a client to reach DATA; ``starttls`` is None, "broken" or "454"."""
    await s.send(f"220 {s.host} ESMTP alimail gateway emulator")
    mail_from, rcpts = None, []
    while (line := await s.readline()) is not None:
        verb, _space, arg = line.partition(" ")
        verb = verb.upper()
        if verb == "EHLO" and ehlo:
            extensions = ["8BITMIME", *(["STARTTLS"] if starttls else [])]
            await s.send(
                f"250-{s.host}", *[f"250-{x}" for x in extensions[:-1]], f"250 {extensions[-1]}"
            )
        elif verb == "EHLO":
            await s.send("502 5.5.2 EHLO not supported, use HELO")
        elif verb == "HELO":
            await s.send(f"250 {s.host}")
        elif verb == "STARTTLS" and starttls == "broken":
            await s.send("220 2.0.0 ready to start TLS")
            s.writer.write(_TLS_ALERT)
            await s.writer.drain()
            await s.readline()
            return
        elif verb == "STARTTLS" and starttls == "454":
            await s.send("454 4.7.0 TLS not available due to a temporary reason")
        elif verb == "MAIL" and (match := _ADDRESS.match(arg)):
            mail_from, rcpts = match.group(1), []
            await s.send("250 2.1.0 sender ok")
        elif verb == "RCPT" and mail_from is not None and (match := _ADDRESS.match(arg)):
            rcpts.append(match.group(1))
            await s.send("250 2.1.5 recipient ok")
        elif verb == "DATA" and rcpts:
            await s.send("354 end data with <CR><LF>.<CR><LF>")
            if drop_in_data:
                await s.reader.read(1)
                s.writer.transport.abort()
                return
            data = await s.read_data()
            if data is None:
                return
            s.messages.record(
                listener=s.spec.name,
                behaviour=s.spec.behaviour,
                peer=peer_text(s.writer.get_extra_info("peername")),
                mail_from=mail_from,
                rcpt_tos=rcpts,
                tls=False,
                data=data,
            )
            mail_from, rcpts = None, []
            await s.send("250 2.0.0 message accepted")
        elif verb in ("RSET", "NOOP"):
            if verb == "RSET":
                mail_from, rcpts = None, []
            await s.send("250 2.0.0 ok")
        elif verb == "QUIT":
            await s.send("221 2.0.0 bye")
            return
        elif verb in ("MAIL", "RCPT", "DATA", "STARTTLS"):
            await s.send("503 5.5.1 bad sequence of commands or syntax")
        else:
            await s.send("500 5.5.2 command not recognised")


_HANDLERS = {
    "silent": _silent,
    "banner_421": _banner_421,
    "banner_554": _banner_554,
    "garbage": _garbage,
    "broken_tls": lambda s: _dialogue(s, starttls="broken"),
    "drop": lambda s: _dialogue(s, drop_in_data=True),
    "helo_only": lambda s: _dialogue(s, ehlo=False),
    "starttls_454": lambda s: _dialogue(s, starttls="454"),
}


class RawServers:
    """All raw listeners share one event loop on one thread."""

    def __init__(self, messages, idle_timeout: float):
        self.messages = messages
        self.idle = idle_timeout
        self.loop = asyncio.new_event_loop()
        self._servers = []
        self._thread = threading.Thread(target=self.loop.run_forever, name="smtp-raw", daemon=True)
        self._thread.start()

    def add(self, spec) -> int:
        handler = _HANDLERS[spec.behaviour]

        async def serve(reader, writer):
            try:
                await handler(_Session(spec, self.messages, self.idle, reader, writer))
            except ConnectionError:
                pass
            finally:
                writer.close()

        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(serve, spec.host, spec.port), self.loop
        )
        server = future.result(10)
        self._servers.append(server)
        return server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def close_all():
            for server in self._servers:
                server.close()
            current = asyncio.current_task()
            for task in asyncio.all_tasks():
                if task is not current:
                    task.cancel()

        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
