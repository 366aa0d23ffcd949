# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller-side SMTP probe of gateway addresses: in parallel, each target within one deadline.

Private to this collection; not a public API. smtplib (which pulls in ssl and email) is imported
only when a probe runs, so modules that do not probe do not pay for it. A target's failure is a
result (stage, code, message), never an exception.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import socket
import threading
import time
from datetime import UTC, datetime

from ansible_collections.alimail.gateways.plugins.module_utils._errors import InputError

STAGES = ("connect", "banner", "ehlo", "starttls", "mail", "rcpt", "data", "done")
TLS_MODES = ("opportunistic", "required", "disabled")
HELO_LOOKUP_TIMEOUT = 2.0
SUMMARY_LISTED = 5
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class _Failed(Exception):
    def __init__(self, stage, code, message):
        super().__init__(message)
        self.stage = stage
        self.code = code
        self.message = message


class _CertRejected(Exception):
    """The verifying handshake refused the certificate; ``reason`` is OpenSSL's verdict."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class _Settings:
    def __init__(self, **values):
        self.__dict__.update(values)


def probe(
    targets,
    *,
    verification_email,
    mail_from,
    helo_name,
    tls="opportunistic",
    tls_verify=False,
    ca_path=None,
    timeout=10.0,
    concurrency=16,
    send_data=False,
    domain="",
    run_id="",
):
    """Probe every (address, port) target; one result dict per target, in target order."""
    if tls not in TLS_MODES:
        raise InputError("probe.tls", tls, f"is not one of {', '.join(TLS_MODES)}")
    for option, value in (
        ("verification_email", verification_email),
        ("probe.mail_from", mail_from),
        ("probe.helo_name", helo_name),
    ):
        if not value or any(c.isspace() for c in value):
            raise InputError(option, value, "must be non-empty, without spaces or line breaks")
    if float(timeout) <= 0:
        raise InputError("probe.timeout", timeout, "must be more than 0 seconds")
    if not targets:
        return []
    settings = _Settings(
        verification_email=verification_email,
        mail_from=mail_from,
        helo_name=helo_name,
        tls=tls,
        tls_verify=bool(tls_verify),
        timeout=float(timeout),
        send_data=bool(send_data),
        domain=domain or "",
        run_id=run_id or "",
        verify_context=None,
        insecure_context=None,
    )
    if tls != "disabled":
        settings.verify_context, settings.insecure_context = _tls_contexts(ca_path)
    _smtp_class()  # import smtplib once, before the threads race to do it

    def one(target):
        return _probe_target(target[0], int(target[1]), settings)

    workers = max(1, min(int(concurrency), len(targets)))
    if workers == 1:
        return [one(target) for target in targets]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smtp-probe") as pool:
        return list(pool.map(one, targets))


def summary(results):
    """One line for a warning or failure: how many failed, where, and the reply."""
    total = len(results)
    if not total:
        return "no targets were probed"
    failed = [r for r in results if not r.get("ok")]
    noun = "target" if total == 1 else "targets"
    if not failed:
        return f"{total} of {total} {noun} passed"
    parts = []
    for result in failed[:SUMMARY_LISTED]:
        reply = " ".join(str(x) for x in (result.get("code"), result.get("message")) if x)
        reply = " ".join(reply.split())
        where = f"{_host_port(result['address'], result['port'])} at {result['stage']}"
        parts.append(f"{where} ({reply})" if reply else where)
    more = len(failed) - SUMMARY_LISTED
    tail = f"; and {more} more" if more > 0 else ""
    return f"{len(failed)} of {total} {noun} failed: " + "; ".join(parts) + tail


@functools.lru_cache(maxsize=1)
def default_helo():
    """The controller's FQDN for EHLO; a slow reverse lookup must not hang the module."""
    found = []
    lookup = threading.Thread(
        target=lambda: found.append(socket.getfqdn()), name="helo-fqdn", daemon=True
    )
    lookup.start()
    lookup.join(HELO_LOOKUP_TIMEOUT)
    name = found[0] if found else ""
    if "." in name and not name.startswith("localhost"):
        return name
    return socket.gethostname() or name or "localhost"


def _host_port(address, port):
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _tls_contexts(ca_path):
    """A verifying context (ca_path or system CAs) and one that accepts any certificate."""
    import ssl

    try:
        if ca_path and os.path.isdir(ca_path):
            verify = ssl.create_default_context(capath=ca_path)
        elif ca_path:
            verify = ssl.create_default_context(cafile=ca_path)
        else:
            verify = ssl.create_default_context()
    except (ssl.SSLError, OSError) as exc:
        raise InputError("ca_path", ca_path, f"could not be loaded: {exc}") from None
    insecure = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    return verify, insecure


@functools.lru_cache(maxsize=1)
def _smtp_class():
    import smtplib

    class ProbeSMTP(smtplib.SMTP):
        """smtplib.SMTP that tells a connect failure from a banner failure and keeps raw lines."""

        connected = False
        last_line = b""

        def _get_socket(self, host, port, timeout):
            sock = super()._get_socket(host, port, timeout)
            self.connected = True
            # starttls() checks the certificate against _host, which only __init__ sets
            self._host = host
            return sock

        def getreply(self):
            if self.file is None and self.sock is not None:
                self.file = _LineRecorder(self, self.sock.makefile("rb"))
            return super().getreply()

    return ProbeSMTP


class _LineRecorder:
    """Wraps smtplib's reply file so a garbage reply can be quoted as it was received."""

    def __init__(self, owner, file):
        self._owner = owner
        self._file = file

    def readline(self, limit=-1):
        line = self._file.readline(limit)
        self._owner.last_line = line
        return line

    def close(self):
        self._file.close()


def _probe_target(host, port, settings):
    started = time.monotonic()
    deadline = started + settings.timeout
    result = {
        "address": host,
        "port": port,
        "ok": False,
        "stage": "connect",
        "code": None,
        "message": "",
        "tls": None,
        "elapsed_ms": 0,
    }
    try:
        try:
            _Session(host, port, settings, deadline, result).run(settings.verify_context)
        except _CertRejected as rejected:
            # the handshake is gone; a second, unverified session reads what the certificate
            # says and, when tls_verify is false, carries the probe on to the end
            if not settings.tls_verify:
                _Session(host, port, settings, deadline, result).run(
                    settings.insecure_context, verify_error=rejected.reason
                )
            else:
                with contextlib.suppress(_Failed):
                    _Session(host, port, settings, deadline, result).run(
                        settings.insecure_context, verify_error=rejected.reason, tls_only=True
                    )
                raise _Failed(
                    "starttls",
                    None,
                    f"certificate verification failed: {rejected.reason} (probe.tls_verify is true)",
                ) from None
        result["ok"] = True
        result["stage"] = "done"
    except _Failed as failed:
        result.update(stage=failed.stage, code=failed.code, message=failed.message)
    except Exception as exc:  # a bug must cost one target, not the whole run
        result["message"] = f"probe error: {type(exc).__name__}: {exc}"
    result["elapsed_ms"] = int((time.monotonic() - started) * 1000)
    return result


class _Session:
    """One SMTP conversation with a target, bounded by the target's deadline."""

    def __init__(self, host, port, settings, deadline, result):
        self.host = host
        self.port = port
        self.s = settings
        self.deadline = deadline
        self.result = result
        self.smtp = None
        self.expired = False
        self._lock = threading.Lock()
        self._closed = False

    def run(self, context, verify_error=None, tls_only=False):
        # per-operation socket timeouts are set to the time left, and a watchdog shuts the
        # socket at the deadline, so a server that dribbles bytes cannot stretch the probe
        watchdog = threading.Timer(max(self.deadline - time.monotonic(), 0), self._expire)
        watchdog.daemon = True
        watchdog.start()
        polite = False
        try:
            self._converse(context, verify_error, tls_only)
            polite = True
        except _Failed as failed:
            polite = isinstance(failed.code, int)
            raise
        finally:
            watchdog.cancel()
            self._close(polite)

    def _converse(self, context, verify_error, tls_only):
        s = self.s
        self.result["stage"] = "connect"
        self._arm("connect")  # a second session may start with no time left
        self.smtp = smtp = _smtp_class()(local_hostname=s.helo_name, timeout=self._left())
        try:
            code, text = smtp.connect(self.host, self.port)
        except Exception as exc:
            raise _Failed("banner" if smtp.connected else "connect", *self._why(exc)) from None
        self.result["stage"] = "banner"
        self._expect("banner", code, text, (220,))
        self._greet("ehlo")
        if s.tls != "disabled":
            self._starttls(context, verify_error)
        if tls_only:
            return
        last = self._expect("mail", *self._cmd("mail", smtp.mail, s.mail_from), (250,))
        last = self._expect("rcpt", *self._cmd("rcpt", smtp.rcpt, s.verification_email), (250, 251))
        if s.send_data:
            message = _verification_message(s, self.host, self.port)
            last = self._expect("data", *self._cmd("data", smtp.data, message), (250,))
        else:
            # check mode: the recipient was verified; reset so nothing is ever delivered (a
            # failed RSET cannot deliver anything either, so it does not change the verdict)
            with contextlib.suppress(_Failed):
                self._cmd("done", smtp.rset)
        self.result["code"], self.result["message"] = last

    def _greet(self, stage, prefix=""):
        smtp = self.smtp
        code, text = self._cmd(stage, smtp.ehlo)
        if code != 250:
            # an old or strict server may refuse EHLO; HELO still lets us test delivery
            code, text = self._cmd(stage, smtp.helo)
        self._expect(stage, code, text, (250,), prefix)

    def _starttls(self, context, verify_error):
        smtp = self.smtp
        required = self.s.tls == "required"
        self.result["stage"] = "starttls"
        if not smtp.has_extn("starttls"):
            if required:
                raise _Failed("starttls", None, "STARTTLS is not offered (probe.tls is required)")
            return
        self._arm("starttls")
        try:
            smtp.starttls(context=context)
        except Exception as exc:
            reason = getattr(exc, "verify_message", None)
            if reason is not None or type(exc).__name__ == "SSLCertVerificationError":
                raise _CertRejected(reason or str(exc)) from None
            code, text = self._why(exc, tls=True)
            if code is not None and not required and not self.expired:
                # opportunistic: a refused STARTTLS (454) leaves the session in plain text
                return
            raise _Failed("starttls", code, text) from None
        self.result["tls"] = _tls_details(smtp.sock, verify_error is None, verify_error)
        self._greet("ehlo", prefix="after STARTTLS: ")

    def _cmd(self, stage, method, *args):
        self._arm(stage)
        try:
            return method(*args)
        except Exception as exc:
            raise _Failed(stage, *self._why(exc)) from None

    def _expect(self, stage, code, text, accepted, prefix=""):
        if self.expired:
            # the watchdog cut the socket: whatever was read is a partial reply
            raise _Failed(stage, None, self._timed_out())
        text = _text(text)
        if code in accepted:
            return code, text
        if not isinstance(code, int) or code < 0:
            raw = _text(getattr(self.smtp, "last_line", b"")).strip()
            raise _Failed(stage, None, f"{prefix}unexpected reply: {raw[:200]!r}")
        raise _Failed(stage, code, prefix + text)

    def _left(self):
        return self.deadline - time.monotonic()

    def _arm(self, stage):
        left = self._left()
        if left <= 0 or self.expired:
            raise _Failed(stage, None, self._timed_out())
        if self.smtp is not None and self.smtp.sock is not None:
            self.smtp.sock.settimeout(left)

    def _timed_out(self):
        return f"timed out: no reply within the {self.s.timeout:g} s probe timeout"

    def _why(self, exc, tls=False):
        """(code, message) for an exception raised while talking to the target."""
        if self.expired or _caused_by(exc, TimeoutError):
            return None, self._timed_out()
        code = getattr(exc, "smtp_code", None)
        if isinstance(code, int):
            return code, _text(getattr(exc, "smtp_error", b""))
        if _caused_by(exc, ConnectionRefusedError):
            return None, "connection refused"
        if _caused_by(exc, ConnectionResetError):
            return None, "connection reset by the server"
        if tls and isinstance(exc, OSError):
            return None, f"TLS handshake failed: {getattr(exc, 'reason', None) or exc}"
        if type(exc).__name__ == "SMTPServerDisconnected":
            return None, "connection closed by the server"
        if isinstance(exc, OSError) and exc.strerror:
            return None, exc.strerror
        return None, f"{type(exc).__name__}: {exc}"

    def _expire(self):
        with self._lock:
            self.expired = True
            sock = None if self._closed or self.smtp is None else self.smtp.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _close(self, polite):
        smtp = self.smtp
        if smtp is None:
            return
        if polite and not self.expired and smtp.sock is not None:
            try:
                smtp.sock.settimeout(max(min(self._left(), 1.0), 0.01))
                smtp.quit()
            except Exception:  # the verdict is in; a rude goodbye changes nothing
                pass
        with self._lock:
            self._closed = True
            with contextlib.suppress(OSError):
                smtp.close()


def _caused_by(exc, kind):
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _text(value):
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "")


def _header_safe(value):
    """ASCII without control characters: a domain or run id must not inject header lines."""
    value = str(value).encode("ascii", "replace").decode("ascii")
    return "".join(c if c.isprintable() else " " for c in value).strip()


def _verification_message(s, host, port):
    now = time.gmtime()
    date = (
        f"{_DAYS[now.tm_wday]}, {now.tm_mday:02d} {_MONTHS[now.tm_mon - 1]} {now.tm_year} "
        f"{now.tm_hour:02d}:{now.tm_min:02d}:{now.tm_sec:02d} +0000"
    )
    domain = _header_safe(s.domain) or "(no domain)"
    run_id = _header_safe(s.run_id) or "-"
    sender = _header_safe(s.mail_from)
    id_host = sender.rpartition("@")[2] or "alimail.gateways"
    lines = [
        f"From: <{sender}>",
        f"To: <{_header_safe(s.verification_email)}>",
        f"Subject: alimail.gateways probe of {domain} (run {run_id})",
        f"Date: {date}",
        f"Message-ID: <{os.urandom(8).hex()}.{int(time.time())}@{id_host}>",
        f"X-Alimail-Gateways-Run: {run_id}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "This is a verification message from the alimail.gateways SMTP probe.",
        f"It checks that gateway {_host_port(host, port)} accepts mail for {domain}.",
        f"Run id: {run_id}",
        "No action is needed; it can be deleted.",
        "",
    ]
    return "\r\n".join(lines)


def _tls_details(sock, verified, verify_error):
    info = {
        "version": sock.version(),
        "cipher": (sock.cipher() or (None,))[0],
        "subject": None,
        "sans": [],
        "not_after": None,
        "days_left": None,
        "verified": bool(verified),
        "verify_error": verify_error,
    }
    cert = sock.getpeercert()  # a dict only when the handshake verified the certificate
    if cert:
        subject, sans, not_after = _from_dict(cert)
    else:
        subject, sans, not_after = _from_der(sock.getpeercert(binary_form=True))
    info.update(subject=subject, sans=sans)
    if not_after is not None:
        info["not_after"] = not_after.strftime("%Y-%m-%dT%H:%M:%SZ")
        left = not_after - datetime.now(UTC)
        info["days_left"] = int(left.total_seconds() // 86400)
    return info


def _from_dict(cert):
    import ssl

    subject = None
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                subject = value
    sans = []
    for kind, value in cert.get("subjectAltName", ()):
        if kind == "DNS":
            sans.append(value)
        elif kind == "IP Address":
            sans.append(_ip_text(value))
    not_after = None
    if cert.get("notAfter"):
        seconds = ssl.cert_time_to_seconds(cert["notAfter"])
        not_after = datetime.fromtimestamp(seconds, UTC)
    return subject, sans, not_after


def _from_der(der):
    try:
        from cryptography import x509
        from cryptography.x509.oid import NameOID
    except ImportError:
        return None, [], None
    if not der:
        return None, [], None
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None, [], None
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    subject = str(names[0].value) if names else None
    sans = []
    try:
        extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        extension = None
    for name in extension.value if extension is not None else ():
        if isinstance(name, x509.DNSName):
            sans.append(name.value)
        elif isinstance(name, x509.IPAddress):
            sans.append(_ip_text(str(name.value)))
    not_after = getattr(cert, "not_valid_after_utc", None)
    if not_after is None:
        not_after = cert.not_valid_after.replace(tzinfo=UTC)
    return subject, sans, not_after


def _ip_text(value):
    try:
        return ipaddress.ip_address(value.strip()).compressed
    except ValueError:
        return value.strip()
