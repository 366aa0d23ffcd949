# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Minimal HTTP for the API client: one keep-alive connection, TLS settings, typed failures.

Private to this collection; not a public API. Built on http.client rather than
ansible.module_utils.urls, whose imports cost about 75 ms per task. http.client itself is imported
on the first request, so code paths that never call the API (the probe module) do not pay for it.
"""

from __future__ import annotations

import ipaddress
import os
import select
import socket
import sys
from urllib.parse import urlsplit

from ansible_collections.alimail.gateways.plugins.module_utils._errors import InputError

SITES = ("cn", "sg", "hk", "de", "us")
DEFAULT_SITE = "cn"


class TransportError(Exception):
    """A request got no usable HTTP reply. ``name`` is what the call record shows."""

    name = "error"

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Refused(TransportError):
    """Nothing listens there: the request was certainly never received."""

    name = "refused"


class Reset(TransportError):
    name = "reset"


class TimedOut(TransportError):
    name = "timeout"


class RemoteClosed(TransportError):
    """The server closed the connection before or while replying."""

    name = "closed"


class TlsFailure(TransportError):
    name = "tls"


class Unreachable(TransportError):
    """Name resolution or routing failed; retrying within seconds rarely helps."""

    name = "unreachable"


class BadReply(TransportError):
    name = "bad_reply"


def redacted(url):
    """The URL with anything before an @ in its authority hidden: it may be a credential."""
    text = str(url)
    start = text.find("://") + 3 if "://" in text else 0
    ends = [i for i in (text.find(c, start) for c in "/?#") if i >= 0]
    end = min(ends) if ends else len(text)
    authority = text[start:end]
    if "@" not in authority:
        return text
    return text[:start] + "***@" + authority.rpartition("@")[2] + text[end:]


def base_url(site, api_url):
    """The API base URL: ``api_url`` when given, else the host of ``site`` (default cn)."""
    if api_url:
        url = str(api_url).strip().rstrip("/")
        shown = redacted(url)
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError:
            raise InputError("api_url", shown, "is not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError("api_url", shown, "is not an http:// or https:// URL with a host")
        if parts.query or parts.fragment:
            raise InputError("api_url", shown, "must not have a query or fragment")
        return url
    site = DEFAULT_SITE if site is None else site
    if site not in SITES:
        raise InputError("site", site, f"is not one of {', '.join(SITES)}")
    return f"https://alimail-{site}.aliyuncs.com"


def is_loopback_url(url):
    """True when the URL's host is localhost or a loopback address (plain http is fine there)."""
    try:
        host = urlsplit(str(url)).hostname
    except ValueError:
        return False
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(validate_certs=True, ca_path=None):
    """An ssl.SSLContext for the API; ca_path may be a PEM bundle or a directory of them."""
    import ssl

    if not validate_certs:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if not ca_path:
        return ssl.create_default_context()
    try:
        if os.path.isfile(ca_path):
            return ssl.create_default_context(cafile=ca_path)
        if os.path.isdir(ca_path):
            # capath only finds OpenSSL-hashed names; also load plain bundles people drop there
            context = ssl.create_default_context(capath=ca_path)
            for name in sorted(os.listdir(ca_path)):
                full = os.path.join(ca_path, name)
                if name.endswith((".pem", ".crt")) and os.path.isfile(full):
                    context.load_verify_locations(cafile=full)
            return context
    except (ssl.SSLError, OSError) as exc:
        raise InputError("ca_path", ca_path, f"could not be loaded: {exc}") from None
    raise InputError("ca_path", ca_path, "is not an existing file or directory")


class Transport:
    """HTTP/1.1 to one base URL over a single keep-alive connection, reopened when closed."""

    def __init__(self, url, *, timeout=30.0, validate_certs=True, ca_path=None):
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        # ssl is imported only for https URLs (the emulator and local tests use plain http)
        self._context = tls_context(validate_certs, ca_path) if self.https else None
        self._conn = None
        self.connections = 0  # TCP connections opened so far: lets tests see keep-alive reuse

    def __repr__(self):
        return f"<Transport {'https' if self.https else 'http'}://{self._where()}{self.prefix}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _where(self):
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def request(self, method, path, body=None, headers=None, timeout=None):
        """Send one request; return (status, headers with lower-case names, body bytes)."""
        timeout = self.timeout if timeout is None else timeout
        conn = self._connection(timeout)
        try:
            conn.sock.settimeout(timeout)
            conn.request(method, self.prefix + path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
        except Exception as exc:
            self.close()
            raise self._mapped(exc, timeout) from None
        if response.will_close:
            self.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self, timeout):
        conn = self._conn
        if conn is not None and conn.sock is not None and not _dropped(conn.sock):
            return conn
        self.close()
        import http.client

        if self.https:
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=timeout, context=self._context
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.connect()
        except Exception as exc:
            conn.close()
            raise self._mapped(exc, timeout, connecting=True) from None
        self.connections += 1
        self._conn = conn
        return conn

    def _mapped(self, exc, timeout, connecting=False):
        """Turn a low-level exception into the TransportError the retry policy reasons about."""
        import http.client

        where = self._where()
        step = f"connecting to {where}" if connecting else f"request to {where}"
        if isinstance(exc, ConnectionRefusedError):
            return Refused(f"{step} failed: connection refused")
        if isinstance(exc, TimeoutError):
            return TimedOut(f"{step} failed: no reply within {timeout:g} s")
        # RemoteDisconnected is also a ConnectionResetError: test it first
        if isinstance(exc, http.client.RemoteDisconnected):
            return RemoteClosed(f"{step} failed: the server closed the connection without a reply")
        if isinstance(exc, http.client.IncompleteRead):
            return RemoteClosed(f"{step} failed: the server closed the connection mid-reply")
        if isinstance(exc, ConnectionError):
            return Reset(f"{step} failed: connection reset")
        if isinstance(exc, http.client.HTTPException):
            return BadReply(f"{step} failed: malformed HTTP reply ({type(exc).__name__})")
        tls = _tls_failure(exc, step)
        if tls is not None:
            return tls
        if isinstance(exc, socket.gaierror):
            return Unreachable(f"{step} failed: cannot resolve {self.host} ({exc.strerror})")
        if isinstance(exc, OSError):
            return Unreachable(f"{step} failed: {exc.strerror or exc}")
        return TransportError(f"{step} failed: {type(exc).__name__}: {exc}")


def _tls_failure(exc, step):
    ssl = sys.modules.get("ssl")
    if ssl is None or not isinstance(exc, ssl.SSLError):
        return None
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TlsFailure(
            f"{step} failed: certificate verification failed ({exc.verify_message}); "
            "set ca_path to the CA that signed it"
        )
    return TlsFailure(f"{step} failed: TLS error ({exc.reason or exc})")


def _dropped(sock):
    """An idle keep-alive socket that is readable has been closed (or sent junk): do not reuse."""
    try:
        if getattr(sock, "pending", None) and sock.pending():
            return True
        readable = select.select([sock], [], [], 0)[0]
    except (OSError, ValueError):
        return True
    return bool(readable)
