# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SMTP listeners that answer late: one port on many loopback addresses, each banner delayed.

    python -m benchkit.listeners --delay 0.2 127.0.10.1-127.0.10.64 ...

Linux routes all of 127.0.0.0/8 to the loopback interface, so each gateway address of the
fan-out benchmark is its own listening socket on the same port, as a real fleet of relays
would be. The conversation is the minimum the probe needs (EHLO without STARTTLS, MAIL, RCPT,
RSET or DATA, QUIT), all in one asyncio loop of a separate process, so the listeners do not
share the benchmark's interpreter. It prints "ready <port>" once every socket listens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
READY_TIMEOUT = 30.0


def addresses(spec: str) -> list[str]:
    """'127.0.10.1-127.0.10.64' or one address -> the loopback addresses it names."""
    first, _sep, last = spec.partition("-")
    low = ipaddress.ip_address(first)
    high = ipaddress.ip_address(last or first)
    if low not in LOOPBACK or high not in LOOPBACK or high < low:
        raise ValueError(f"{spec} is not a range of IPv4 loopback addresses")
    return [str(ipaddress.ip_address(value)) for value in range(int(low), int(high) + 1)]


async def _session(reader, writer, delay: float) -> None:
    with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
        await asyncio.sleep(delay)
        writer.write(b"220 bench.gateway.test ESMTP slow banner\r\n")
        await writer.drain()
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                reply = b"250-bench.gateway.test\r\n250 8BITMIME\r\n"
            elif verb == b"DATA":
                writer.write(b"354 end with .\r\n")
                await writer.drain()
                # The message itself is not kept: the end-of-data line is all that matters.
                while await reader.readline() not in (b".\r\n", b".\n", b""):
                    pass
                reply = b"250 2.0.0 accepted\r\n"
            elif verb == b"QUIT":
                writer.write(b"221 2.0.0 bye\r\n")
                await writer.drain()
                break
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                reply = b"250 2.0.0 ok\r\n"
            else:
                reply = b"502 5.5.2 not implemented\r\n"
            writer.write(reply)
            await writer.drain()
    writer.close()


async def _serve(hosts: list[str], delay: float) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    async def handle(reader, writer):
        await _session(reader, writer, delay)

    first = await asyncio.start_server(handle, hosts[0], 0, backlog=512)
    port = first.sockets[0].getsockname()[1]
    servers = [first]
    for host in hosts[1:]:
        servers.append(await asyncio.start_server(handle, host, port, backlog=512))
    print(f"ready {port}", flush=True)
    parent = os.getppid()
    # Also stop when the benchmark that started us is gone, however it ended.
    while not stop.is_set() and os.getppid() == parent:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
    for server in servers:
        server.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="slow-banner SMTP listeners on loopback")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds before the banner")
    parser.add_argument("ranges", nargs="+", help="loopback address or range first-last")
    args = parser.parse_args(argv)
    hosts = [host for spec in args.ranges for host in addresses(spec)]
    asyncio.run(_serve(hosts, args.delay))
    return 0


class Listeners:
    """The listeners as a subprocess: started on enter, stopped on exit (also on failure)."""

    def __init__(self, ranges: list[str], delay: float):
        self.ranges = ranges
        self.delay = delay
        self.process = None
        self.port = None

    def __enter__(self) -> Listeners:
        command = [sys.executable, "-m", "benchkit.listeners", "--delay", str(self.delay)]
        self.process = subprocess.Popen(
            [*command, *self.ranges],
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            line = self._ready_line()
            if not line.startswith("ready "):
                raise RuntimeError(f"the SMTP listeners did not start: {line!r}")
            self.port = int(line.split()[1])
        except BaseException:
            self.__exit__()
            raise
        return self

    def _ready_line(self) -> str:
        # select() on the pipe bounds the wait: a listener that never gets ready fails the run.
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(READY_TIMEOUT):
                return "no reply within 30 s"
        return self.process.stdout.readline().strip()

    def __exit__(self, *exc_info) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        process.stdout.close()


def banner_seen(host: str, port: int, timeout: float = 5.0) -> bytes:
    """The first line a listener sends (a check that the delay and the banner are real)."""
    with socket.create_connection((host, port), timeout) as sock:
        return sock.makefile("rb").readline()


if __name__ == "__main__":
    sys.exit(main())
