# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The test endpoint against every SMTP gateway behaviour, the loopback-only rule, and the
messages the listeners record."""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
from pathlib import Path

import pytest

# behaviour -> (success, stage, tls, text in message)
EXPECTED = {
    "accept": (True, "done", True, "250"),
    "accept_v6": (True, "done", True, "250"),
    "no_starttls": (True, "done", False, "250"),
    "tls_required": (True, "done", True, "250"),
    "expired_cert": (True, "done", True, "250"),
    "wrong_name_cert": (True, "done", True, "250"),
    "helo_only": (True, "done", False, "250"),
    "slow_banner_ok": (True, "done", True, "250"),
    "broken_tls": (False, "starttls", False, "TLS"),
    "starttls_454": (False, "starttls", False, "454"),
    "banner_421": (False, "banner", False, "421"),
    "banner_554": (False, "banner", False, "554"),
    "slow_banner": (False, "banner", False, "timed out"),
    "silent": (False, "banner", False, "timed out"),
    "garbage": (False, "banner", False, "not SMTP"),
    "reject_rcpt": (False, "rcpt", True, "550"),
    "temp_fail": (False, "rcpt", True, "451"),
    "drop": (False, "data", False, "closed"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_gateway_test_against_each_behaviour(api, name):
    if name not in api.emu.smtp_ports:
        pytest.skip(f"no {name} listener on this host (IPv6 loopback missing?)")
    success, stage, tls, text = EXPECTED[name]
    reply = api.test(api.smtp(name))
    assert reply.status == 200
    result = reply.json()
    assert set(result) == {"success", "stage", "tls", "message", "elapsedMs"}
    assert (result["success"], result["stage"], result["tls"]) == (success, stage, tls)
    assert text in result["message"]
    assert isinstance(result["elapsedMs"], int)
    # Timeouts end at the configured limit, not at the listener's pace.
    assert result["elapsedMs"] < 1500


def test_the_default_behaviour_list_has_a_listener_each(emu):
    from alimail_emulator import config
    from alimail_emulator.smtp_servers import BEHAVIOURS

    default = {spec.behaviour for spec in config.build().listeners}
    assert default == set(BEHAVIOURS)
    assert {name for name in EXPECTED if name in BEHAVIOURS} == set(BEHAVIOURS)


def test_connection_refused_fails_at_connect(api):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = api.test(f"127.0.0.1:{port}").json()
    assert (result["success"], result["stage"]) == (False, "connect")


@pytest.mark.parametrize(
    "address", ["203.0.113.10", "192.0.2.1:2525", "[2001:db8::1]:25", "::ffff:127.0.0.1", "::"]
)
def test_non_loopback_addresses_are_never_contacted(api, address):
    result = api.test(address).json()
    assert result["success"] is False
    assert result["stage"] == "connect"
    assert "connects only to loopback" in result["message"]
    assert result["elapsedMs"] == 0


def test_port_25_is_the_default(api):
    # Nothing listens on 127.0.0.1:25 in tests: the session fails at connect, on port 25.
    result = api.test("127.0.0.1").json()
    assert result["stage"] == "connect"
    assert "port 25" in result["message"]


@pytest.mark.parametrize(
    "address",
    ["127.0.0.0/30", "127.0.0.1-127.0.0.2", "127.0.0.1,127.0.0.2", "", "localhost", 5, None],
)
def test_only_a_single_address_can_be_tested(api, address):
    reply = api.call(
        "POST",
        api.gateway_path() + "/test",
        {"address": address, "verificationEmail": "ops@example.com"},
    )
    assert reply.status == 400
    assert reply.json()["code"] == "InvalidParameter"
    assert reply.json()["message"].startswith("address:")


def test_test_body_is_checked(api):
    assert (
        api.test(api.smtp("accept"), email="nobody")
        .json()["message"]
        .startswith("verificationEmail:")
    )
    path = api.gateway_path() + "/test"
    reply = api.call("POST", path, {"address": "127.0.0.1", "x": 1, "verificationEmail": "a@b.c"})
    assert reply.json()["message"].startswith("x:")
    assert api.call("GET", path).status == 405


def test_test_needs_a_token_and_a_domain_of_the_organisation(api):
    assert api.test(api.smtp("accept"), domain="example.net").json()["code"] == "DomainNotFound"
    api.token = "bogus"
    assert api.test(api.smtp("accept")).json()["code"] == "InvalidToken"


def test_accepted_messages_are_recorded(api, emu):
    api.test(api.smtp("accept"), email="check@example.com")
    api.test(api.smtp("no_starttls"), domain="example.org")
    api.test(api.smtp("reject_rcpt"))
    api.test(api.smtp("drop"))
    messages = emu.messages()
    assert [m["listener"] for m in messages] == ["accept", "no_starttls"]
    first, second = messages
    assert first["behaviour"] == "accept"
    assert first["mail_from"] == "postmaster@example.com"
    assert first["rcpt_tos"] == ["check@example.com"]
    assert first["subject"] == "Alibaba Mail gateway test for example.com"
    assert first["tls"] is True
    assert first["peer"].startswith("127.0.0.1:")
    assert "Subject: Alibaba Mail gateway test" in first["data"]
    assert (second["mail_from"], second["tls"]) == ("postmaster@example.org", False)
    lines = (Path(emu.dir) / "messages.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == messages
    emu.clear_messages()
    assert emu.messages() == []
    assert (Path(emu.dir) / "messages.jsonl").read_text() == ""


def test_tls_required_answers_530_before_starttls(emu):
    with smtplib.SMTP("127.0.0.1", emu.smtp_ports["tls_required"], timeout=5) as client:
        client.ehlo()
        assert client.has_extn("starttls")
        code = client.mail("postmaster@example.com")[0]
        assert code == 530


def _handshake(emu, name, server_hostname):
    context = ssl.create_default_context(cafile=emu.ca_path)
    with smtplib.SMTP("127.0.0.1", emu.smtp_ports[name], timeout=5) as client:
        client.ehlo()
        client._host = server_hostname
        client.starttls(context=context)


def test_certificates_verify_only_where_they_should(emu):
    _handshake(emu, "accept", "127.0.0.1")
    _handshake(emu, "accept", "localhost")
    with pytest.raises(ssl.SSLCertVerificationError, match="expired"):
        _handshake(emu, "expired_cert", "localhost")
    with pytest.raises(ssl.SSLCertVerificationError, match="mismatch"):
        _handshake(emu, "wrong_name_cert", "localhost")


def test_helo_only_refuses_ehlo_and_banner_554_waits_for_quit(emu):
    with smtplib.SMTP("127.0.0.1", emu.smtp_ports["helo_only"], timeout=5) as client:
        assert client.ehlo()[0] == 502
        assert client.helo()[0] == 250
    with socket.create_connection(("127.0.0.1", emu.smtp_ports["banner_554"]), 5) as sock:
        reader = sock.makefile("rb")
        assert reader.readline().startswith(b"554 ")
        sock.sendall(b"EHLO me\r\n")
        assert reader.readline().startswith(b"503 ")
        sock.sendall(b"QUIT\r\n")
        assert reader.readline().startswith(b"221 ")
