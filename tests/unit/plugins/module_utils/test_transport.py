# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unit tests of _transport: URLs, keep-alive, TLS settings and the typed failures."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys

import pytest
import trustme
from ansible_collections.alimail.gateways.plugins.module_utils import _transport as t
from ansible_collections.alimail.gateways.plugins.module_utils._errors import InputError
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.http_script import (
    ScriptedHTTP,
    step,
)


@pytest.fixture
def server():
    srv = ScriptedHTTP()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def tls_server(ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", common_name="api.test").configure_cert(context)
    srv = ScriptedHTTP(context)
    yield srv
    srv.stop()


@pytest.fixture
def closed_port():
    """A loopback port bound but not listening: connecting to it is refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


# --- URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("site", t.SITES)
def test_base_url_of_each_site(site):
    assert t.base_url(site, None) == f"https://alimail-{site}.aliyuncs.com"


def test_base_url_defaults_to_cn_and_prefers_api_url():
    assert t.base_url(None, None) == "https://alimail-cn.aliyuncs.com"
    assert t.base_url("sg", " http://127.0.0.1:8080/api/ ") == "http://127.0.0.1:8080/api"


@pytest.mark.parametrize(
    ("site", "api_url", "option"),
    [
        ("mars", None, "site"),
        (None, "ftp://127.0.0.1/", "api_url"),
        (None, "127.0.0.1:8080", "api_url"),
        (None, "http://127.0.0.1:99999", "api_url"),
        (None, "https://", "api_url"),
        (None, "https://h.example/?x=1", "api_url"),
    ],
)
def test_base_url_refuses_bad_values_naming_the_option(site, api_url, option):
    with pytest.raises(InputError) as caught:
        t.base_url(site, api_url)
    assert caught.value.option == option


@pytest.mark.parametrize(
    "url",
    ["http://user:pw-SECRET@127.0.0.1:99999/x", "pw-SECRET@127.0.0.1", "ftp://a:pw-SECRET@h/"],
)
def test_credentials_in_a_bad_api_url_are_not_shown(url):
    with pytest.raises(InputError) as caught:
        t.base_url(None, url)
    assert "pw-SECRET" not in str(caught.value)
    assert "***@" in str(caught.value)


def test_redacted_keeps_urls_without_credentials():
    assert t.redacted("https://h.example:8443/p?q=a@b") == "https://h.example:8443/p?q=a@b"
    assert t.redacted("https://u:p@h.example/p") == "https://***@h.example/p"


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080", True),
        ("http://127.9.8.7/", True),
        ("http://[::1]:80/x", True),
        ("http://localhost:1", True),
        ("http://LOCALHOST", True),
        ("https://alimail-cn.aliyuncs.com", False),
        ("http://192.0.2.1", False),
        ("http://[2001:db8::1]", False),
        ("not a url", False),
        ("http://[::1", False),
    ],
)
def test_is_loopback_url(url, loopback):
    assert t.is_loopback_url(url) is loopback


# --- exchanges ----------------------------------------------------------------------------------


def test_request_returns_status_lowercase_headers_and_body(server):
    server.add(step(201, b"hello", {"ETag": '"v1"'}))
    with t.Transport(server.url + "/base/") as transport:
        status, headers, body = transport.request("PUT", "/x", b"{}", {"X-Test": "1"})
    assert (status, headers["etag"], body) == (201, '"v1"', b"hello")
    assert server.requests[0]["path"] == "/base/x"
    assert server.requests[0]["body"] == b"{}"
    assert server.requests[0]["headers"]["x-test"] == "1"


def test_keep_alive_reuses_one_connection(server):
    server.add(step(200, b"a"), step(204), step(200, b"c"))
    with t.Transport(server.url) as transport:
        for _index in range(3):
            transport.request("GET", "/r")
        assert transport.connections == 1
    assert len({r["peer"] for r in server.requests}) == 1


def test_reconnects_when_the_server_says_connection_close(server):
    server.add(step(200, b"a", {"Connection": "close"}), step(200, b"b"))
    with t.Transport(server.url) as transport:
        transport.request("GET", "/1")
        assert transport.request("GET", "/2")[2] == b"b"
        assert transport.connections == 2


def test_reconnects_when_the_server_closed_the_idle_connection(server):
    # no Connection: close header: only the stale check before sending can notice
    server.add(step(200, b"a", action="close_after"), step(200, b"b"))
    with t.Transport(server.url) as transport:
        transport.request("GET", "/1")
        for _index in range(100):
            if t._dropped(transport._conn.sock):
                break
            server.released.wait(0.01)
        assert transport.request("POST", "/2", b"x")[2] == b"b"
        assert transport.connections == 2


def test_refused_is_typed(closed_port):
    transport = t.Transport(f"http://127.0.0.1:{closed_port}")
    with pytest.raises(t.Refused) as caught:
        transport.request("GET", "/")
    assert caught.value.name == "refused"
    assert f"connecting to 127.0.0.1:{closed_port} failed: connection refused" in str(caught.value)


@pytest.mark.parametrize(
    ("action", "kind"), [("drop", t.RemoteClosed), ("reset", t.Reset)], ids=["drop", "reset"]
)
def test_lost_reply_is_typed_and_the_next_request_reconnects(server, action, kind):
    server.add(step(action=action), step(200, b"ok"))
    with t.Transport(server.url) as transport:
        with pytest.raises(kind):
            transport.request("GET", "/")
        assert transport.request("GET", "/")[2] == b"ok"
        assert transport.connections == 2


def test_read_timeout_is_typed(server):
    server.add(step(200, b"late", delay=1.0))
    with t.Transport(server.url, timeout=0.2) as transport, pytest.raises(t.TimedOut) as caught:
        transport.request("GET", "/")
    assert "no reply within 0.2 s" in str(caught.value)


def test_connect_timeout_is_typed(monkeypatch, server):
    import http.client

    def slow_connect(self):
        raise TimeoutError("timed out")

    monkeypatch.setattr(http.client.HTTPConnection, "connect", slow_connect)
    with pytest.raises(t.TimedOut, match="connecting to"):
        t.Transport(server.url, timeout=0.1).request("GET", "/")


def test_garbage_reply_is_a_bad_reply():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer():
        conn = listener.accept()[0]
        conn.recv(4096)
        conn.sendall(b"SMTP? no, nonsense\r\n\r\n")
        conn.close()

    import threading

    worker = threading.Thread(target=answer, daemon=True)
    worker.start()
    try:
        with pytest.raises(t.BadReply):
            t.Transport(f"http://127.0.0.1:{port}", timeout=2).request("GET", "/")
    finally:
        worker.join(2)
        listener.close()


def test_unresolvable_host_is_unreachable(monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(t.Unreachable, match="cannot resolve"):
        t.Transport("http://api.invalid", timeout=1).request("GET", "/")


# --- TLS ----------------------------------------------------------------------------------------


def test_https_verifies_with_a_ca_file(tls_server, ca, tmp_path):
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    tls_server.add(step(200, b"secure"))
    with t.Transport(tls_server.url, ca_path=str(bundle)) as transport:
        assert transport.request("GET", "/")[2] == b"secure"


def test_https_verifies_with_a_ca_directory(tls_server, ca, tmp_path):
    ca.cert_pem.write_to_path(str(tmp_path / "team-ca.pem"))
    tls_server.add(step(200, b"secure"))
    with t.Transport(tls_server.url, ca_path=str(tmp_path)) as transport:
        assert transport.request("GET", "/")[2] == b"secure"


def test_https_refuses_an_unknown_ca(tls_server):
    transport = t.Transport(tls_server.url)
    with pytest.raises(t.TlsFailure, match="certificate verification failed"):
        transport.request("GET", "/")


def test_https_without_validation_accepts_any_certificate(tls_server):
    tls_server.add(step(200, b"trusting"))
    with t.Transport(tls_server.url, validate_certs=False) as transport:
        assert transport.request("GET", "/")[2] == b"trusting"


def test_bad_ca_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        t.Transport("https://127.0.0.1:1", ca_path=str(tmp_path / "missing.pem"))
    assert caught.value.option == "ca_path"
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(InputError, match="could not be loaded"):
        t.Transport("https://127.0.0.1:1", ca_path=str(junk))


def test_importing_the_layers_loads_neither_ssl_nor_http_client_nor_smtplib():
    # the heavy imports wait for the first request or the first probe
    code = (
        "import sys\n"
        "from ansible_collections.alimail.gateways.plugins.module_utils import _api, _probe\n"
        "_api.Client('http://127.0.0.1:1', 'id', 'secret')\n"
        "print(sorted(m for m in ('ssl', 'http.client', 'smtplib') if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]"
