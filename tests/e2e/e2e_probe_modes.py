# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Failure modes of an SMTP gateway, each with the probe verdict it must produce.

A mode names the emulator listener that shows it (None: a loopback port nothing listens on),
the probe options it needs, and the stage, reply code and reply text the probe must report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from e2e_emulator import PROBE_TIMEOUT, SLOW_BANNER_DELAY, smtp_target

TIMED_OUT = f"timed out: no reply within the {PROBE_TIMEOUT:g} s probe timeout"


@dataclass(frozen=True)
class Mode:
    name: str
    simulated: str
    listener: str | None
    stage: str
    code: int | None
    text: str  # a regular expression the target's message must match
    probe: dict = field(default_factory=dict)
    ok: bool = False
    verify_tls: bool = False  # tls_verify with the emulator's CA as probe.ca_path

    @property
    def ipv6(self) -> bool:
        return bool(self.listener and self.listener.endswith("_v6"))

    def available(self, emu) -> bool:
        return self.listener is None or self.listener in emu.smtp_ports

    def target(self, emu, closed_port: int) -> str:
        if self.listener is None:
            return f"127.0.0.1:{closed_port}"
        return smtp_target(emu, self.listener)

    def probe_options(self, emu) -> dict:
        options = {"timeout": PROBE_TIMEOUT, "helo_name": "probe.e2e.example.com", **self.probe}
        if self.verify_tls:
            options.update(tls_verify=True, ca_path=emu.ca_path)
        return options

    def check(self, target: dict) -> list[str]:
        """What is wrong with one target's probe result; empty when it is the verdict due."""
        problems = []
        if target["ok"] is not self.ok:
            problems.append(f"ok is {target['ok']}, not {self.ok}")
        if target["stage"] != self.stage:
            problems.append(f"stage is {target['stage']}, not {self.stage}")
        if target["code"] != self.code:
            problems.append(f"code is {target['code']}, not {self.code}")
        if not re.search(self.text, target["message"] or ""):
            problems.append(f"message {target['message']!r} does not match {self.text!r}")
        limit = PROBE_TIMEOUT * 1000 + 750
        if target["elapsed_ms"] > limit:
            problems.append(f"took {target['elapsed_ms']} ms, past the timeout ({limit:g} ms)")
        return problems


MODES = (
    Mode(
        "refused",
        "connection refused (a loopback port nothing listens on)",
        None,
        "connect",
        None,
        "^connection refused$",
    ),
    Mode("silent", "a listener that accepts and never speaks", "silent", "banner", None, TIMED_OUT),
    Mode(
        "slow-banner",
        f"banner after {SLOW_BANNER_DELAY:g} s, past the {PROBE_TIMEOUT:g} s probe timeout",
        "slow_banner",
        "banner",
        None,
        TIMED_OUT,
    ),
    Mode("banner-421", "banner 421", "banner_421", "banner", 421, "service not available"),
    Mode("banner-554", "banner 554", "banner_554", "banner", 554, "no SMTP service here"),
    Mode(
        "ehlo-rejected",
        "EHLO rejected (502), HELO accepted",
        "helo_only",
        "done",
        250,
        "message accepted",
        ok=True,
    ),
    Mode(
        "no-starttls",
        "STARTTLS not offered, probe.tls required",
        "no_starttls",
        "starttls",
        None,
        r"STARTTLS is not offered \(probe.tls is required\)",
        probe={"tls": "required"},
    ),
    Mode(
        "starttls-454",
        "454 to STARTTLS, probe.tls required",
        "starttls_454",
        "starttls",
        454,
        "TLS not available",
        probe={"tls": "required"},
    ),
    Mode(
        "broken-tls",
        "a TLS alert instead of a handshake after 220 to STARTTLS",
        "broken_tls",
        "starttls",
        None,
        "^TLS handshake failed",
    ),
    Mode(
        "wrong-name-cert",
        "certificate for another name, tls_verify true",
        "wrong_name_cert",
        "starttls",
        None,
        r"^certificate verification failed: .*mismatch.* \(probe.tls_verify is true\)$",
        verify_tls=True,
    ),
    Mode(
        "expired-cert",
        "expired certificate, tls_verify true",
        "expired_cert",
        "starttls",
        None,
        r"^certificate verification failed: certificate has expired \(probe.tls_verify is true\)$",
        verify_tls=True,
    ),
    Mode(
        "tls-required-530",
        "530 before STARTTLS (listener requires TLS), probe.tls disabled",
        "tls_required",
        "mail",
        530,
        "STARTTLS",
        probe={"tls": "disabled"},
    ),
    Mode("rcpt-550", "550 to RCPT TO", "reject_rcpt", "rcpt", 550, "recipient rejected"),
    Mode("rcpt-451", "451 to RCPT TO", "temp_fail", "rcpt", 451, "temporary failure"),
    Mode(
        "drop-in-data",
        "connection dropped during DATA",
        "drop",
        "data",
        None,
        "^connection (reset|closed) by the server$",
    ),
    Mode(
        "garbage",
        "replies that are not SMTP",
        "garbage",
        "banner",
        None,
        r"^unexpected reply: .*not an SMTP reply",
    ),
    Mode(
        "ipv6",
        "an IPv6 loopback target [::1]:port that accepts",
        "accept_v6",
        "done",
        250,
        "message accepted",
        ok=True,
    ),
    Mode(
        "ipv6-rcpt-550",
        "an IPv6 loopback target [::1]:port that refuses RCPT with 550",
        "reject_rcpt_v6",
        "rcpt",
        550,
        "recipient rejected",
    ),
)
