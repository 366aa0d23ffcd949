# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Listeners built on aiosmtpd: the behaviours a real MTA can show with its ordinary commands."""

from __future__ import annotations

import asyncio
import logging
import socket

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

# Certificate each TLS-offering behaviour presents (attribute of Certificates).
TLS_CERTS = {
    "accept": "server",
    "tls_required": "server",
    "slow_banner": "server",
    "reject_rcpt": "server",
    "temp_fail": "server",
    "expired_cert": "expired",
    "wrong_name_cert": "wrong_name",
}
BEHAVIOURS = ("no_starttls", *TLS_CERTS)
IDENT = "ESMTP alimail gateway emulator"

logging.getLogger("mail.log").setLevel(logging.WARNING)


def peer_text(peer) -> str:
    host, port = peer[0], peer[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class RecordingHandler:
    """aiosmtpd handler: answers RCPT as the behaviour says and records accepted messages."""

    def __init__(self, spec, messages):
        self.spec = spec
        self.messages = messages

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.spec.behaviour == "reject_rcpt":
            return f"550 5.1.1 <{address}>: recipient rejected by the gateway"
        if self.spec.behaviour == "temp_fail":
            return "451 4.3.0 temporary failure at the gateway, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 recipient ok"

    async def handle_DATA(self, server, session, envelope):
        self.messages.record(
            listener=self.spec.name,
            behaviour=self.spec.behaviour,
            peer=peer_text(session.peer),
            mail_from=envelope.mail_from,
            rcpt_tos=envelope.rcpt_tos,
            tls=session.ssl is not None,
            data=envelope.original_content or b"",
        )
        return "250 2.0.0 message accepted"


class _DelayedBannerSMTP(SMTP):
    def __init__(self, *args, banner_delay: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self._banner_delay = banner_delay

    async def _handle_client(self):
        if self._banner_delay:
            await asyncio.sleep(self._banner_delay)
        await super()._handle_client()


class ListenerController(Controller):
    """A Controller that can bind port 0 and start without waiting for a (slow) banner."""

    def __init__(self, handler, *, hostname, port, banner_delay=0.0, **smtp_kwargs):
        super().__init__(handler, hostname=hostname, port=port, ready_timeout=10, **smtp_kwargs)
        self._banner_delay = banner_delay

    def factory(self):
        return _DelayedBannerSMTP(self.handler, banner_delay=self._banner_delay, **self.SMTP_kwargs)

    def _trigger_server(self):
        # The stock trigger connects to the configured port (0 here) and reads the banner.
        self.port = self.server.sockets[0].getsockname()[1]
        with socket.create_connection((self.hostname, self.port), 2.0):
            pass


def start(spec, certs, messages, idle_timeout: float) -> ListenerController:
    tls_context = None
    if spec.behaviour in TLS_CERTS:
        tls_context = certs.server_context(getattr(certs, TLS_CERTS[spec.behaviour]))
    delay = spec.banner_delay if spec.behaviour == "slow_banner" else 0.0
    controller = ListenerController(
        RecordingHandler(spec, messages),
        hostname=spec.host,
        port=spec.port,
        banner_delay=delay,
        server_hostname=f"{spec.name.replace('_', '-')}.gateway.emulator.test",
        ident=IDENT,
        tls_context=tls_context,
        require_starttls=spec.behaviour == "tls_required",
        timeout=idle_timeout,
    )
    controller.start()
    return controller
