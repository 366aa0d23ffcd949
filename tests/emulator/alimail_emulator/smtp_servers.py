# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Starts and stops every configured SMTP gateway listener, whichever kind implements it."""

from __future__ import annotations

import logging
import socket

from alimail_emulator import smtp_aiosmtpd, smtp_raw

BEHAVIOURS = (*smtp_aiosmtpd.BEHAVIOURS, *smtp_raw.BEHAVIOURS)
log = logging.getLogger("alimail_emulator")


def ipv6_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


class SmtpServers:
    def __init__(self, specs, certs, messages, idle_timeout: float):
        self.specs = specs
        self.certs = certs
        self.messages = messages
        self.idle = idle_timeout
        self.ports: dict[str, int] = {}
        self.hosts: dict[str, str] = {}
        self._controllers = []
        self._raw = None

    def start(self) -> None:
        v6 = ipv6_available()
        for spec in self.specs:
            if ":" in spec.host and not v6:
                log.warning("listener %s skipped: this host has no IPv6 loopback", spec.name)
                continue
            if spec.behaviour in smtp_raw.BEHAVIOURS:
                if self._raw is None:
                    self._raw = smtp_raw.RawServers(self.messages, self.idle)
                port = self._raw.add(spec)
            else:
                controller = smtp_aiosmtpd.start(spec, self.certs, self.messages, self.idle)
                self._controllers.append(controller)
                port = controller.port
            self.ports[spec.name] = port
            self.hosts[spec.name] = spec.host

    def stop(self) -> None:
        for controller in self._controllers:
            controller.stop()
        self._controllers.clear()
        if self._raw is not None:
            self._raw.stop()
            self._raw = None
