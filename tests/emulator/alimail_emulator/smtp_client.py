# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The SMTP session the test endpoint makes, as the service would from its own network.

connect, banner, EHLO (HELO when EHLO is refused), STARTTLS when offered (plain otherwise),
MAIL FROM postmaster@<domain>, RCPT TO the verification email, DATA, QUIT. Certificates are not
verified, as an opportunistic MTA does not verify them. Only loopback is ever contacted.
"""

from __future__ import annotations

import contextlib
import email.utils
import smtplib
import socket
import ssl
import time

HELO_NAME = "gateway-test.emulator.alimail.invalid"


class _Failed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _reply(code: int, message) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    if code == -1:
        # smtplib's mark for a line that does not start with a reply code.
        return f"the gateway answered with something that is not SMTP: {message!r}"
    return f"{code} {message}".strip()


def _expect(code: int, message, accepted: tuple[int, ...]) -> str:
    text = _reply(code, message)
    if code not in accepted:
        raise _Failed(text)
    return text


def _message(domain: str, recipient: str) -> str:
    return (
        f"From: Alibaba Mail gateway test <postmaster@{domain}>\r\n"
        f"To: <{recipient}>\r\n"
        f"Subject: Alibaba Mail gateway test for {domain}\r\n"
        f"Date: {email.utils.formatdate(usegmt=True)}\r\n"
        f"Message-ID: {email.utils.make_msgid(domain='emulator.alimail.invalid')}\r\n"
        "X-Alimail-Emulator: gateway-test\r\n"
        "\r\n"
        f"This message checks that the gateway accepts mail for {domain}.\r\n"
    )


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def run(ip: str, port: int, domain: str, recipient: str, timeout: float) -> dict:
    """Returns the test endpoint's answer: success, stage, tls, message, elapsedMs."""
    started = time.monotonic()
    stage, tls, message = "connect", False, ""
    client = smtplib.SMTP(local_hostname=HELO_NAME, timeout=timeout)
    try:
        client.sock = socket.create_connection((ip, port), timeout)
        client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client._host = ip  # smtplib.starttls reads it; connect() would have set it
        stage = "banner"
        _expect(*client.getreply(), (220,))
        stage = "ehlo"
        code = client.ehlo()[0]
        if not 200 <= code <= 299:
            _expect(*client.helo(), tuple(range(200, 300)))
        if client.has_extn("starttls"):
            stage = "starttls"
            _expect(*client.starttls(context=_tls_context()), (220,))
            tls = True
            stage = "ehlo"
            _expect(*client.ehlo(), tuple(range(200, 300)))
        stage = "mail"
        _expect(*client.mail(f"postmaster@{domain}"), (250,))
        stage = "rcpt"
        _expect(*client.rcpt(recipient), (250, 251))
        stage = "data"
        message = _expect(*client.data(_message(domain, recipient)), (250,))
        stage = "done"
        # The message was accepted; a gateway that hangs up before QUIT's reply is no failure.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()
        success = True
    except _Failed as exc:
        success, message = False, exc.message
    except smtplib.SMTPResponseException as exc:
        success, message = False, _reply(exc.smtp_code, exc.smtp_error)
    except TimeoutError:
        success, message = False, f"timed out after {timeout:g} s at {stage}"
    except ssl.SSLError as exc:
        success, message = False, f"TLS handshake failed: {exc.reason or exc}"
    except smtplib.SMTPServerDisconnected as exc:
        # smtplib turns a read timeout into a disconnect; tell the two apart for the user.
        if "timed out" in str(exc):
            success, message = False, f"timed out after {timeout:g} s at {stage}"
        else:
            success, message = False, f"the gateway closed the connection at {stage}"
    except smtplib.SMTPException as exc:
        success, message = False, f"SMTP error at {stage}: {exc}"
    except OSError as exc:
        success, message = False, f"{exc.strerror or exc} ({ip} port {port})"
    finally:
        client.close()
    return {
        "success": success,
        "stage": stage,
        "tls": tls,
        "message": message,
        "elapsedMs": int((time.monotonic() - started) * 1000),
    }
