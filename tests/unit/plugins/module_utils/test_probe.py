# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unit tests of the SMTP probe against real SMTP servers on loopback, one per failure mode."""

from __future__ import annotations

import datetime
import email
import socket
import ssl
import threading
import time

import pytest
import trustme
from ansible_collections.alimail.gateways.plugins.module_utils import _probe
from ansible_collections.alimail.gateways.plugins.module_utils._errors import InputError
from ansible_collections.alimail.gateways.plugins.module_utils._probe import (
    default_helo,
    probe,
    summary,
)
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.smtp_servers import (
    BoundController,
    RawSMTP,
    Recorder,
)

STARTTLS_EHLO = "250-raw.test\r\n250 STARTTLS"
SLACK_MS = 400  # thread scheduling on a busy CI machine; the bound itself is the timeout


def run(targets, **kwargs):
    options = {
        "verification_email": "postmaster@example.com",
        "mail_from": "probe@example.com",
        "helo_name": "probe.test",
        "timeout": 3.0,
    }
    options.update(kwargs)
    return probe(targets, **options)


def failure(result):
    return result["ok"], result["stage"], result["code"]


@pytest.fixture
def raw():
    started = []

    def start(**kwargs):
        server = RawSMTP(**kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def aio():
    started = []

    def start(handler=None, **kwargs):
        controller = BoundController(handler or Recorder(), **kwargs)
        controller.start()
        started.append(controller)
        return controller

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca, tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def tls_context(ca, *identities, **cert_options):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*identities, **cert_options).configure_cert(context)
    return context


@pytest.fixture
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


# --- the good path ------------------------------------------------------------------------------


def test_check_mode_verifies_the_recipient_and_delivers_nothing(aio):
    server = aio()
    [result] = run([server.target], tls="disabled", send_data=False)
    assert result["ok"] is True
    assert (result["stage"], result["code"], result["tls"]) == ("done", 250, None)
    assert result["address"] == "127.0.0.1"
    assert result["port"] == server.target[1]
    assert server.handler.messages == []


def test_real_run_delivers_a_message_naming_domain_and_run_id(aio):
    server = aio()
    [result] = run(
        [server.target], tls="disabled", send_data=True, domain="example.com", run_id="r-42"
    )
    assert result["ok"] is True
    assert result["code"] == 250
    [message] = server.handler.messages
    assert message["mail_from"] == "probe@example.com"
    assert message["rcpt_tos"] == ["postmaster@example.com"]
    parsed = email.message_from_bytes(message["content"])
    assert "example.com" in parsed["Subject"]
    assert "r-42" in parsed["Subject"]
    assert parsed["From"] == "<probe@example.com>"
    assert parsed["To"] == "<postmaster@example.com>"
    assert parsed["Date"] and parsed["Message-ID"]
    assert email.utils.parsedate_to_datetime(parsed["Date"]).tzinfo is not None


def test_header_injection_through_domain_or_run_id_is_neutralised(aio):
    server = aio()
    run(
        [server.target],
        tls="disabled",
        send_data=True,
        domain="example.com\r\nBcc: victim@example.net",
        run_id="r\n1",
    )
    parsed = email.message_from_bytes(server.handler.messages[0]["content"])
    assert parsed["Bcc"] is None


def test_opportunistic_tls_reports_a_verified_certificate(aio, ca, ca_file):
    context = tls_context(ca, "127.0.0.1", "mx.example.test", common_name="mx.example.test")
    server = aio(tls_context=context)
    [result] = run([server.target], ca_path=ca_file, tls_verify=True)
    assert result["ok"] is True, result
    tls = result["tls"]
    assert tls["version"].startswith("TLS")
    assert tls["cipher"]
    assert tls["subject"] == "mx.example.test"
    assert tls["sans"] == ["127.0.0.1", "mx.example.test"]
    assert tls["verified"] is True
    assert tls["verify_error"] is None
    assert tls["not_after"].endswith("Z")
    assert datetime.datetime.fromisoformat(tls["not_after"].replace("Z", "+00:00"))
    assert tls["days_left"] > 300


def test_unknown_ca_is_reported_without_failing_when_tls_verify_is_false(aio, ca):
    server = aio(tls_context=tls_context(ca, "127.0.0.1", common_name="self.test"))
    [result] = run([server.target])  # system CAs: trustme's CA is unknown
    assert result["ok"] is True, result
    tls = result["tls"]
    assert tls["verified"] is False
    assert "certificate" in tls["verify_error"] or "issuer" in tls["verify_error"]
    # read from the DER certificate (the unverified handshake gives no parsed dict)
    assert tls["subject"] == "self.test"
    assert tls["sans"] == ["127.0.0.1"]
    assert tls["days_left"] > 300


def test_530_before_starttls_passes_with_tls_and_fails_at_mail_without(aio, ca, ca_file):
    server = aio(tls_context=tls_context(ca, "127.0.0.1"), require_starttls=True)
    [with_tls] = run([server.target], ca_path=ca_file)
    [plain] = run([server.target], tls="disabled")
    assert with_tls["ok"] is True
    assert failure(plain) == (False, "mail", 530)


def test_ehlo_rejected_falls_back_to_helo(raw):
    server = raw(ehlo="502 5.5.2 EHLO not implemented")
    [result] = run([server.target])
    assert result["ok"] is True, result
    assert any(c.lower().startswith("helo probe.test") for c in server.commands)


def test_ipv6_loopback_target(raw):
    try:
        server = raw(host="::1")
    except OSError:
        pytest.skip("IPv6 loopback is not available here")
    [result] = run([server.target])
    assert result["ok"] is True, result
    assert result["address"] == "::1"
    assert summary([{**result, "ok": False}]).startswith(
        f"1 of 1 target failed: [::1]:{server.port}"
    )


# --- failure modes ------------------------------------------------------------------------------


def test_connection_refused(closed_port):
    [result] = run([("127.0.0.1", closed_port)])
    assert failure(result) == (False, "connect", None)
    assert result["message"] == "connection refused"


def test_silent_listener_times_out_at_banner(raw):
    server = raw(banner=None)
    [result] = run([server.target], timeout=0.5)
    assert failure(result) == (False, "banner", None)
    assert "timed out" in result["message"]
    assert 400 <= result["elapsed_ms"] <= 500 + SLACK_MS


def test_slow_banner_past_the_timeout(raw):
    server = raw(banner_delay=2.0)
    [result] = run([server.target], timeout=0.5)
    assert failure(result) == (False, "banner", None)
    assert result["elapsed_ms"] <= 500 + SLACK_MS


def test_the_timeout_is_a_deadline_not_per_read(raw):
    # every byte arrives well within any per-read timeout, the whole banner does not
    server = raw(dribble=0.1)
    [result] = run([server.target], timeout=0.6)
    assert failure(result) == (False, "banner", None)
    assert "timed out" in result["message"]
    assert result["elapsed_ms"] <= 600 + SLACK_MS


@pytest.mark.parametrize(
    "banner", ["421 4.3.2 Service not available", "554 5.7.1 No SMTP service here"]
)
def test_banner_refusals(raw, banner):
    server = raw(banner=banner)
    [result] = run([server.target])
    assert failure(result) == (False, "banner", int(banner[:3]))
    assert result["message"] == banner[4:]


def test_garbage_banner(raw):
    server = raw(banner="hello, this is not smtp")
    [result] = run([server.target])
    assert failure(result) == (False, "banner", None)
    assert "unexpected reply: 'hello, this is not smtp'" in result["message"]


def test_garbage_reply_to_ehlo_and_helo(raw):
    server = raw(ehlo="what?", replies={"HELO": "who?"})
    [result] = run([server.target])
    assert failure(result) == (False, "ehlo", None)
    assert "who?" in result["message"]


def test_ehlo_and_helo_both_refused(raw):
    server = raw(ehlo="500 no", replies={"HELO": "501 5.5.4 bad hostname"})
    [result] = run([server.target])
    assert failure(result) == (False, "ehlo", 501)


def test_tls_required_but_not_offered(raw):
    server = raw()
    [required] = run([server.target], tls="required")
    [opportunistic] = run([server.target])
    assert failure(required) == (False, "starttls", None)
    assert "STARTTLS is not offered" in required["message"]
    assert opportunistic["ok"] is True
    assert opportunistic["tls"] is None


def test_454_to_starttls(raw):
    server = raw(ehlo=STARTTLS_EHLO, replies={"STARTTLS": "454 4.7.0 TLS not available"})
    [required] = run([server.target], tls="required")
    [opportunistic] = run([server.target])
    assert failure(required) == (False, "starttls", 454)
    assert required["message"] == "4.7.0 TLS not available"
    assert opportunistic["ok"] is True  # a refused STARTTLS goes on in plain text
    assert opportunistic["tls"] is None


def test_tls_disabled_never_sends_starttls(raw):
    server = raw(ehlo=STARTTLS_EHLO, replies={"STARTTLS": "454 4.7.0 should not be asked"})
    [result] = run([server.target], tls="disabled")
    assert result["ok"] is True
    assert not any(c.upper() == "STARTTLS" for c in server.commands)


def test_broken_tls_handshake(raw):
    server = raw(ehlo=STARTTLS_EHLO, replies={"STARTTLS": "220 go ahead"}, after_starttls="garbage")
    [result] = run([server.target])
    assert failure(result) == (False, "starttls", None)
    assert result["message"].startswith("TLS handshake failed")


@pytest.mark.parametrize(
    ("cert", "reason"),
    [
        ({"identities": ("mx.other.example",)}, "mismatch"),
        (
            {
                "identities": ("127.0.0.1",),
                "not_before": datetime.datetime(2020, 1, 1),
                "not_after": datetime.datetime(2021, 1, 1),
            },
            "expired",
        ),
    ],
    ids=["wrong-name", "expired"],
)
def test_bad_certificates_fail_only_with_tls_verify(aio, ca, ca_file, cert, reason):
    options = dict(cert)
    identities = options.pop("identities")
    server = aio(tls_context=tls_context(ca, *identities, **options))
    [strict] = run([server.target], ca_path=ca_file, tls_verify=True)
    [lenient] = run([server.target], ca_path=ca_file, tls_verify=False)
    assert failure(strict) == (False, "starttls", None)
    assert "certificate verification failed" in strict["message"]
    assert reason in strict["message"]
    # the details still say what is wrong with it
    assert strict["tls"]["verified"] is False
    assert reason in strict["tls"]["verify_error"]
    assert lenient["ok"] is True, lenient
    assert lenient["tls"]["verified"] is False
    assert reason in lenient["tls"]["verify_error"]
    if reason == "expired":
        assert lenient["tls"]["not_after"].startswith("2021-01-01")
        assert lenient["tls"]["days_left"] < 0
    else:
        assert lenient["tls"]["sans"] == ["mx.other.example"]
    assert server.handler.messages == []


@pytest.mark.parametrize(
    "reply", ["550 5.1.1 No such user here", "451 4.3.0 Temporary failure, try later"]
)
def test_recipient_refused(aio, reply):
    server = aio(Recorder(rcpt_reply=reply))
    [result] = run([server.target], tls="disabled", send_data=True)
    assert failure(result) == (False, "rcpt", int(reply[:3]))
    assert result["message"] == reply[4:]
    assert server.handler.messages == []


def test_mail_from_refused(raw):
    server = raw(replies={"MAIL": "553 5.7.1 Sender rejected"})
    [result] = run([server.target])
    assert failure(result) == (False, "mail", 553)


def test_drop_during_data(raw):
    server = raw(on_data="drop")
    [result] = run([server.target], send_data=True)
    assert failure(result) == (False, "data", None)
    assert result["message"] == "connection closed by the server"


def test_drop_after_banner(raw):
    server = raw(ehlo="drop")
    [result] = run([server.target])
    assert failure(result) == (False, "ehlo", None)
    assert result["message"] == "connection closed by the server"


def test_a_bug_costs_one_target_not_the_run(raw, monkeypatch):
    server = raw()

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(_probe._Session, "_greet", broken)
    [result] = run([server.target])
    assert result["ok"] is False
    assert result["message"] == "probe error: RuntimeError: boom"


# --- many targets -------------------------------------------------------------------------------


def test_targets_run_in_parallel(raw):
    # every server holds its banner until all eight connections are open: a serial probe would
    # never get a banner and time out
    gate = threading.Barrier(8)
    servers = [raw(gate=gate, banner_delay=0.2) for _index in range(8)]
    results = run([s.target for s in servers], timeout=3.0, concurrency=8)
    assert [r["ok"] for r in results] == [True] * 8
    assert [r["port"] for r in results] == [s.port for s in servers]  # target order kept
    assert all(r["elapsed_ms"] <= 3000 for r in results)


def test_concurrency_limits_open_sessions(raw):
    server = raw(banner_delay=0.1)
    results = run([server.target] * 6, concurrency=2)
    assert all(r["ok"] for r in results)
    assert server.max_active == 2


def test_mixed_results_and_summary(aio, closed_port):
    good = aio()
    bad = aio(Recorder(rcpt_reply="550 5.1.1 No such user"))
    results = run(
        [good.target, bad.target, ("127.0.0.1", closed_port)], tls="disabled", concurrency=3
    )
    assert [r["ok"] for r in results] == [True, False, False]
    assert summary(results) == (
        f"2 of 3 targets failed: 127.0.0.1:{bad.target[1]} at rcpt (550 5.1.1 No such user); "
        f"127.0.0.1:{closed_port} at connect (connection refused)"
    )
    assert summary(results[:1]) == "1 of 1 target passed"


def test_summary_lists_five_failures_and_counts_the_rest():
    results = [
        {"address": "127.0.0.1", "port": 2500 + i, "ok": False, "stage": "connect", "code": None}
        | {"message": "connection refused"}
        for i in range(7)
    ]
    text = summary(results)
    assert text.startswith("7 of 7 targets failed: 127.0.0.1:2500 at connect (connection refused)")
    assert text.endswith("; and 2 more")
    assert summary([]) == "no targets were probed"


def test_no_targets_is_an_empty_result():
    assert run([]) == []


# --- arguments and helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "option"),
    [
        ({"tls": "sometimes"}, "probe.tls"),
        ({"mail_from": "probe@example.com\r\nRCPT TO:<x@y>"}, "probe.mail_from"),
        ({"verification_email": ""}, "verification_email"),
        ({"helo_name": "two words"}, "probe.helo_name"),
        ({"timeout": 0}, "probe.timeout"),
    ],
)
def test_bad_arguments_are_input_errors(override, option):
    with pytest.raises(InputError) as caught:
        run([("127.0.0.1", 25)], **override)
    assert caught.value.option == option


def test_default_helo_does_not_hang_on_a_slow_lookup(monkeypatch):
    monkeypatch.setattr(socket, "getfqdn", lambda: time.sleep(5) or "late.example")
    monkeypatch.setattr(socket, "gethostname", lambda: "box")
    monkeypatch.setattr(_probe, "HELO_LOOKUP_TIMEOUT", 0.1)
    default_helo.cache_clear()
    try:
        started = time.monotonic()
        assert default_helo() == "box"
        assert time.monotonic() - started < 1
    finally:
        default_helo.cache_clear()


def test_default_helo_prefers_the_fqdn(monkeypatch):
    monkeypatch.setattr(socket, "getfqdn", lambda: "ctl.example.net")
    default_helo.cache_clear()
    try:
        assert default_helo() == "ctl.example.net"
    finally:
        default_helo.cache_clear()
