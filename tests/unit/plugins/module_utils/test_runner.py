# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared gateway flow, driven through the modules' main() with the API and probe faked.

FakeService stands in for the Client (the HTTP layer) and fake_probe for _probe.probe (the SMTP
layer); every other layer is the real one. The module tests import the harness from here.
"""

from __future__ import annotations

import datetime
import inspect
import json
import re

import pytest
import yaml
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args
from ansible_collections.alimail.gateways.plugins.module_utils import (
    _addresses,
    _probe,
    _runner,
    _window,
)
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    NotVerified,
    PreconditionFailed,
)
from ansible_collections.alimail.gateways.plugins.module_utils._report import failure_message
from ansible_collections.alimail.gateways.plugins.module_utils._settings import Connection
from ansible_collections.alimail.gateways.plugins.modules import (
    mail_receive_gateway,
    mail_send_gateway,
)

SECRET = "s3cr3t-Value-0x5EED"
# The real boundaries, kept before any test replaces them.
REAL_PROBE = _probe.probe
REAL_OPEN_CLIENT = _runner.open_client
FIELDS = {
    "sending": ("gatewayAddress",),
    "receiving": ("ingressAddress", "egressAddress"),
}
PROBED = {"sending": "gatewayAddress", "receiving": "ingressAddress"}
WRITES = ("PUT", "DELETE", "TEST")


def _covers(field: str, address: str) -> bool:
    """Whether the test address (maybe with a port) lies within an entry of the API field."""
    (tested,) = _addresses.parse_field("address", address, strict=False)
    return any(
        entry.version == tested.version and entry.first <= tested.first <= entry.last
        for entry in _addresses.parse_field("field", field, strict=False)
    )


class FakeService:
    """The API contract in memory: one gateway per kind, ETags, the enable guard, hooks."""

    def __init__(self, domain="example.com"):
        self.domain = domain
        self.bodies: dict[str, dict] = {}
        self.etags: dict[str, str] = {}
        self.version = 0
        self.calls: list[tuple] = []
        self.connections: list = []
        self.tested: list[tuple[str, str, str]] = []
        self.test_reply = {
            "success": True,
            "stage": "done",
            "tls": True,
            "message": "test message accepted",
            "elapsedMs": 31,
        }
        # method -> callables run before (or, in after, instead of replying after) the call.
        self.before: dict[str, list] = {}
        self.after: dict[str, list] = {}
        self.closed = 0
        # Further domains of the organisation, each with its own gateways.
        self.others: dict[str, FakeService] = {}

    def seed(self, kind: str, body: dict) -> str:
        self.version += 1
        self.bodies[kind] = {**body, "updatedAt": f"2026-03-01T10:00:{self.version:02d}Z"}
        self.etags[kind] = f'"v{self.version}"'
        return self.etags[kind]

    def client(self, connection):
        self.connections.append(connection)
        return FakeClient(self)

    def add_domain(self, domain: str) -> FakeService:
        self.others[domain] = FakeService(domain)
        return self.others[domain]

    def methods(self) -> list[str]:
        return [call[0] for call in self.calls]

    def writes(self) -> list[tuple]:
        return [call for call in self.calls if call[0] in WRITES]

    def _hooks(self, table: dict, method: str, *args):
        # One hook per call, in order: a list of two hooks shapes the first two calls.
        queue = table.get(method)
        if queue:
            queue.pop(0)(self, *args)


class FakeClient:
    def __init__(self, service: FakeService):
        self.service = service

    def _path(self, domain, kind):
        return f"/v2/domains/{domain}/gateways/{kind}"

    def _service(self, method, domain, kind) -> FakeService:
        root = self.service
        if domain == root.domain:
            return root
        if domain in root.others:
            return root.others[domain]
        raise ApiError(method, self._path(domain, kind), 404, "DomainNotFound", "no such domain")

    def get_gateway(self, domain, kind):
        self.service.calls.append(("GET", kind))
        self.service._hooks(self.service.before, "GET", kind)
        service = self._service("GET", domain, kind)
        body = service.bodies.get(kind)
        if body is None:
            return None, None
        # The service may spell the address fields its own way: reversed, with spaces.
        shown = dict(body)
        for field in FIELDS[kind]:
            shown[field] = " , ".join(reversed(body[field].split(",")))
        return shown, service.etags[kind]

    def put_gateway(self, domain, kind, body, etag=None):
        self.service.calls.append(("PUT", kind, dict(body), etag))
        self.service._hooks(self.service.before, "PUT", kind, body, etag)
        service = self._service("PUT", domain, kind)
        path = self._path(domain, kind)
        current = service.bodies.get(kind)
        if current is not None and etag is None:
            raise PreconditionFailed("PUT", path, 428, "PreconditionRequired", "If-Match required")
        if current is not None and etag != service.etags[kind]:
            raise PreconditionFailed("PUT", path, 412, "PreconditionFailed", "stale ETag")
        field = PROBED[kind]
        already = current is not None and current["enabled"] and current[field] == body[field]
        if body["enabled"] and not already:
            proven = any(
                k == kind and email == body["verificationEmail"] and _covers(body[field], address)
                for k, address, email in service.tested
            )
            if not proven:
                raise NotVerified("PUT", path, 409, "GatewayNotVerified", "no recent test")
        service.seed(kind, dict(body))
        service._hooks(service.after, "PUT", kind, body)
        return dict(service.bodies[kind]), service.etags[kind]

    def delete_gateway(self, domain, kind, etag):
        self.service.calls.append(("DELETE", kind, etag))
        self.service._hooks(self.service.before, "DELETE", kind, etag)
        service = self._service("DELETE", domain, kind)
        if kind not in service.bodies:
            return
        if etag != service.etags[kind]:
            raise PreconditionFailed(
                "DELETE", self._path(domain, kind), 412, "PreconditionFailed", "stale"
            )
        del service.bodies[kind]
        del service.etags[kind]

    def test_gateway(self, domain, kind, address, verification_email):
        self.service.calls.append(("TEST", kind, address, verification_email))
        self.service._hooks(self.service.before, "TEST", kind, address)
        service = self._service("POST", domain, kind)
        reply = dict(service.test_reply)
        if reply["success"]:
            service.tested.append((kind, address, verification_email))
        return reply

    def close(self):
        self.service.closed += 1


class FakeProbe:
    """_probe.probe at its boundary: failing targets by address, and a record of each call."""

    def __init__(self):
        self.calls: list[dict] = []
        self.failing: dict[str, tuple[str, int, str]] = {}

    def __call__(self, targets, **kwargs):
        # Keywords are checked against the real _probe.probe in a test of their own.
        self.calls.append({"targets": list(targets), **kwargs})
        send_data = kwargs["send_data"]
        results = []
        for address, port in targets:
            stage, code, message = self.failing.get(address, ("done", 250, "2.0.0 Ok"))
            if stage == "done" and not send_data:
                code, message = 250, "2.0.0 Reset state"
            results.append(
                {
                    "address": address,
                    "port": port,
                    "ok": stage == "done",
                    "stage": stage,
                    "code": code,
                    "message": message,
                    "tls": None,
                    "elapsed_ms": 3,
                }
            )
        return results


def clear_warnings():
    # AnsibleModule keeps warnings in a process-wide table; each run must start empty.
    ansible_warnings._global_warnings.clear()


def install(monkeypatch) -> tuple[FakeService, FakeProbe]:
    """Fake the API client and the SMTP probe at their boundaries; clear the ALIMAIL_* env."""
    service, probe = FakeService(), FakeProbe()
    monkeypatch.setattr(_runner, "open_client", service.client)
    monkeypatch.setattr(_probe, "probe", probe)
    monkeypatch.setattr(_probe, "default_helo", lambda: "controller.example.net")
    for name in ("ALIMAIL_API_URL", "ALIMAIL_SITE", "ALIMAIL_CLIENT_ID", "ALIMAIL_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    return service, probe


@pytest.fixture(autouse=True)
def _fresh_warnings():
    clear_warnings()
    yield
    clear_warnings()


@pytest.fixture
def fakes(monkeypatch):
    return install(monkeypatch)


@pytest.fixture
def service(fakes):
    return fakes[0]


@pytest.fixture
def probe(fakes):
    return fakes[1]


MAINS = {"sending": mail_send_gateway.main, "receiving": mail_receive_gateway.main}


def run(capsys, args: dict, *, kind="sending", check=False, diff=False, connection=True) -> dict:
    """main() of a gateway module with these args; the parsed result, with failed set."""
    full = dict(args)
    if connection:
        full.setdefault("api_url", "https://alimail-test.example.net")
        full.setdefault("client_id", "demo")
        full.setdefault("client_secret", SECRET)
    full.update(_ansible_check_mode=check, _ansible_diff=diff)
    capsys.readouterr()
    with patch_module_args(full), pytest.raises(SystemExit) as exited:
        MAINS[kind]()
    out = capsys.readouterr().out
    assert SECRET not in out, "the client secret reached the module output"
    # AnsibleModule masks no_log values as ********; seeing that means the secret was in a text.
    assert "********" not in out, "a message carried the client secret (masked by AnsibleModule)"
    result = json.loads(out)
    result.setdefault("failed", False)
    assert (exited.value.code != 0) == result["failed"]
    return result


LOOKUP = re.compile(r"\{\{ lookup\('ansible\.builtin\.env', '(\w+)'\) \}\}")
# What the EXAMPLES read from the environment, as the emulator would provide it.
EXAMPLE_ENVIRONMENT = {"ALIMAIL_API_URL": "http://127.0.0.1:18080", "SMTP_ACCEPT_PORT": "12525"}


def _substituted(value):
    if isinstance(value, str):
        return LOOKUP.sub(lambda match: EXAMPLE_ENVIRONMENT[match[1]], value)
    if isinstance(value, list):
        return [_substituted(item) for item in value]
    if isinstance(value, dict):
        return {key: _substituted(item) for key, item in value.items()}
    return value


def example_tasks(module, kind: str):
    """(args, check_mode, diff) of each task of the module in its EXAMPLES, with play defaults."""
    fqcn = f"alimail.gateways.{module.__name__.rpartition('.')[2]}"
    for play in yaml.safe_load(module.EXAMPLES):
        defaults = (play.get("module_defaults") or {}).get("group/alimail.gateways.all", {})
        for task in play["tasks"]:
            if fqcn in task:
                yield (
                    {**defaults, **_substituted(task[fqcn])},
                    bool(task.get("check_mode")),
                    bool(task.get("diff")),
                )


def run_examples(capsys, monkeypatch, service, module, *, kind: str) -> list[tuple[dict, dict]]:
    """Run the module's EXAMPLES in order against the fakes; every task must succeed."""
    # The examples name their own windows; the test does not wait for them to open.
    monkeypatch.setattr(_window, "check", lambda window, now=None: (True, "change window (test)"))
    service.add_domain("example.org")
    results = []
    for args, check, diff in example_tasks(module, kind):
        result = run(capsys, args, kind=kind, check=check, diff=diff)
        assert not result["failed"], (args, result["msg"])
        results.append((args, result))
    return results


def sending(**extra) -> dict:
    args = {
        "domain": "example.com",
        "name": "DLP cluster",
        "addresses": ["203.0.113.10"],
        "verification_email": "check@example.com",
        "enabled": True,
    }
    args.update(extra)
    return args


def stored_sending(**extra) -> dict:
    body = {
        "name": "DLP cluster",
        "gatewayAddress": "203.0.113.10",
        "verificationEmail": "check@example.com",
        "enabled": True,
    }
    body.update(extra)
    return body


def warnings(result) -> str:
    return " | ".join(str(w) for w in result.get("warnings", []))


# --- 1. validation before any request -----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"name": "n" * 201}, ["option name", "201 characters"]),
        ({"name": "   "}, ["option name", "whitespace"]),
        ({"addresses": ["203.0.113.300"]}, ["option addresses", "203.0.113.300"]),
        ({"addresses": ["203.0.113.20-203.0.113.10"]}, ["option addresses", "reversed range"]),
        ({"addresses": ["203.0.113.10,,203.0.113.11"]}, ["option addresses", "empty entry"]),
        ({"addresses": ["10.1.2.3"]}, ["option addresses", "private", "allow_private_addresses"]),
        ({"verification_email": "check@"}, ["option verification_email", "no domain"]),
        ({"domain": "exa mple.com"}, ["option domain", "not a domain name"]),
        ({"domain": "../admin"}, ["option domain"]),
        ({"probe": {"port": 0}}, ["option probe.port", "from 1 to 65535"]),
        ({"probe": {"timeout": 0}}, ["option probe.timeout", "greater than 0"]),
        ({"probe": {"max_targets": 0}}, ["option probe.max_targets", "at least 1"]),
        ({"probe": {"concurrency": 257}}, ["option probe.concurrency", "from 1 to 256"]),
        ({"probe": {"mail_from": "postmaster"}}, ["option probe.mail_from", "email address"]),
        ({"change_window": {"start": "25:00", "end": "05:00"}}, ["change_window.start", "HH:MM"]),
        (
            {"change_window": {"start": "22:00", "end": "05:00", "timezone": "Mars/Olympus"}},
            ["change_window.timezone", "IANA"],
        ),
        ({"api_url": "ftp://alimail.example.net"}, ["option api_url", "http"]),
        ({"api_timeout": 0}, ["option api_timeout"]),
        ({"api_retries": 0}, ["option api_retries", "at least 1"]),
        ({"ca_path": "/nonexistent/ca.pem"}, ["option ca_path", "does not exist"]),
    ],
)
def test_bad_input_fails_before_any_request(capsys, service, probe, extra, words):
    result = run(capsys, sending(**extra))
    assert result["failed"]
    expected = "sending gateway: " if "domain" in extra else "sending gateway of example.com: "
    assert result["msg"].startswith(expected), result["msg"]
    for word in words:
        assert word in result["msg"], result["msg"]
    assert service.connections == [], "a client was opened for a bad input"
    assert service.calls == []
    assert probe.calls == []


@pytest.mark.parametrize(
    ("option", "env"),
    [("client_id", "ALIMAIL_CLIENT_ID"), ("client_secret", "ALIMAIL_CLIENT_SECRET")],
)
def test_missing_credentials_name_option_and_environment(capsys, service, probe, option, env):
    args = sending(
        api_url="https://alimail-test.example.net", client_id="demo", client_secret=SECRET
    )
    del args[option]
    result = run(capsys, args, connection=False)
    assert result["failed"]
    assert f"option {option}" in result["msg"] and env in result["msg"]
    assert service.connections == []


def test_credentials_come_from_the_environment(capsys, service, probe, monkeypatch):
    monkeypatch.setenv("ALIMAIL_CLIENT_ID", "from-env")
    monkeypatch.setenv("ALIMAIL_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("ALIMAIL_SITE", "de")
    service.seed("sending", stored_sending())
    result = run(capsys, sending(), connection=False)
    assert not result["failed"], result.get("msg")
    (connection,) = service.connections
    assert connection.client_id == "from-env"
    assert connection.base_url == "https://alimail-de.aliyuncs.com"
    assert SECRET not in repr(connection)


def test_plain_http_to_a_remote_host_only_warns(capsys, service, probe):
    service.seed("sending", stored_sending())
    result = run(capsys, sending(api_url="http://alimail.example.net"))
    assert not result["failed"]
    assert "plain HTTP" in warnings(result) and "alimail.example.net" in warnings(result)


def test_plain_http_to_loopback_is_quiet(capsys, service, probe):
    service.seed("sending", stored_sending())
    result = run(capsys, sending(api_url="http://127.0.0.1:8080"))
    assert not result["failed"]
    assert "warnings" not in result


def test_credentials_inside_api_url_are_refused_without_echoing_them(capsys, service, probe):
    result = run(capsys, sending(api_url="https://demo:hunter2@alimail.example.net"))
    assert result["failed"] and "credentials" in result["msg"]
    assert "hunter2" not in result["msg"] and "https://***@alimail.example.net" in result["msg"]
    assert service.connections == []


def test_creating_without_a_required_option_fails_after_the_read(capsys, service, probe):
    args = sending()
    del args["name"]
    result = run(capsys, args)
    assert result["failed"]
    assert "option name" in result["msg"] and "required to create" in result["msg"]
    assert "nothing was written" in result["msg"]
    assert service.methods() == ["GET"]
    assert result["gateway"] == {}


# --- 2-3. read, compare, no change ----------------------------------------------------------------


def test_same_entries_in_another_spelling_are_no_change(capsys, service, probe):
    service.seed(
        "sending",
        stored_sending(gatewayAddress="2001:db8::10,203.0.113.10,203.0.113.0/28"),
    )
    args = sending(addresses=["203.0.113.0/28 , 203.0.113.10", "2001:0DB8:0:0::10"])
    result = run(capsys, args, diff=True)
    assert not result["failed"], result.get("msg")
    assert result["changed"] is False
    assert service.methods() == ["GET"]
    assert probe.calls == []
    assert result["probe"] == {
        "ran": False,
        "ok": None,
        "mode": None,
        "run_id": None,
        "targets": [],
        "skipped": 0,
    }
    assert result["gateway"]["addresses"] == ["203.0.113.0/28", "203.0.113.10", "2001:db8::10"]
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["saves"] == [] and result["service_test"] is None
    assert service.closed == 1


def test_options_left_out_keep_their_values(capsys, service, probe):
    service.seed("sending", stored_sending())
    result = run(capsys, {"domain": "example.com", "name": "Renamed"})
    assert result["changed"] is True
    ((method, kind, body, etag),) = service.writes()
    assert (method, kind, etag) == ("PUT", "sending", '"v1"')
    assert body == {
        "name": "Renamed",
        "gatewayAddress": "203.0.113.10",
        "verificationEmail": "check@example.com",
        "enabled": True,
    }
    assert probe.calls == [], "a rename of an enabled gateway needs no probe"


# --- 4-5. probe and proof -----------------------------------------------------------------------


def test_enabling_probes_then_tests_then_writes(capsys, service, probe):
    result = run(capsys, sending(), diff=True)
    assert not result["failed"], result.get("msg")
    assert result["changed"] is True
    assert service.methods() == ["GET", "TEST", "PUT"]
    assert service.calls[1] == ("TEST", "sending", "203.0.113.10", "check@example.com")
    assert service.calls[2][3] is None, "a create sends no If-Match"
    (call,) = probe.calls
    assert call["send_data"] is True
    assert call["targets"] == [("203.0.113.10", 25)]
    assert call["mail_from"] == "postmaster@example.com"
    assert call["helo_name"] == "controller.example.net"
    assert call["domain"] == "example.com" and call["run_id"] == result["probe"]["run_id"]
    assert result["probe"]["ran"] and result["probe"]["ok"] and result["probe"]["mode"] == "deliver"
    assert result["service_test"]["success"] is True
    assert result["service_test"]["address"] == "203.0.113.10"
    assert result["gateway"]["enabled"] is True and "updated_at" in result["gateway"]
    configuration = {k: v for k, v in result["gateway"].items() if k != "updated_at"}
    assert result["diff"] == {"before": {}, "after": configuration}, "no timestamp in the diff"


def test_entry_port_reaches_probe_and_service_test(capsys, service, probe):
    result = run(capsys, sending(addresses=["203.0.113.10:2525"], probe={"port": 587}))
    assert not result["failed"], result.get("msg")
    assert probe.calls[0]["targets"] == [("203.0.113.10", 2525)]
    assert service.calls[1][2] == "203.0.113.10:2525"


def test_probe_failure_when_enabling_writes_nothing(capsys, service, probe):
    etag = service.seed("sending", stored_sending(enabled=False))
    before = dict(service.bodies["sending"])
    probe.failing["203.0.113.10"] = ("rcpt", 550, "5.1.1 mailbox unknown")
    result = run(capsys, sending())
    assert result["failed"]
    msg = result["msg"]
    assert msg.startswith("sending gateway of example.com: cannot enable it")
    assert "203.0.113.10:25 at rcpt" in msg and "550 5.1.1 mailbox unknown" in msg
    assert "nothing was written" in msg and "enabled=false" in msg
    assert service.writes() == []
    assert service.bodies["sending"] == before and service.etags["sending"] == etag
    assert result["changed"] is False
    assert result["probe"]["ok"] is False and result["probe"]["targets"][0]["stage"] == "rcpt"
    assert result["gateway"]["enabled"] is False


def test_enabled_gateway_keeps_old_addresses_when_new_ones_fail(capsys, service, probe):
    service.seed("sending", stored_sending())
    probe.failing["203.0.113.99"] = ("connect", None, "connection refused")
    result = run(capsys, {"domain": "example.com", "addresses": ["203.0.113.99"]})
    assert result["failed"] and "203.0.113.99:25 at connect" in result["msg"]
    assert "cannot change the enabled gateway: the probe of addresses failed" in result["msg"]
    assert service.writes() == []
    assert service.bodies["sending"]["gatewayAddress"] == "203.0.113.10"


def test_probe_failure_of_a_disabled_gateway_only_warns(capsys, service, probe):
    probe.failing["203.0.113.10"] = ("banner", 554, "no service")
    result = run(capsys, sending(enabled=False))
    assert not result["failed"], result.get("msg")
    assert result["changed"] is True
    assert "stays disabled" in warnings(result) and "203.0.113.10:25 at banner" in warnings(result)
    assert [call[0] for call in service.writes()] == ["PUT"], "no service test for a disabled one"


def test_service_test_failure_writes_nothing(capsys, service, probe):
    service.test_reply = {
        "success": False,
        "stage": "starttls",
        "tls": False,
        "message": "454 TLS not available",
        "elapsedMs": 40,
    }
    result = run(capsys, sending())
    assert result["failed"]
    assert "service test of 203.0.113.10 failed at starttls: 454 TLS not available" in result["msg"]
    assert [call[0] for call in service.writes()] == ["TEST"]
    assert result["service_test"]["success"] is False
    assert "sending" not in service.bodies


def test_probe_never_refuses_an_unproven_enable(capsys, service, probe):
    service.seed("sending", stored_sending(enabled=False))
    result = run(capsys, sending(probe={"when": "never"}))
    assert result["failed"]
    assert "probe.when is never" in result["msg"] and "probe.when=changed" in result["msg"]
    assert service.writes() == [] and probe.calls == []


def test_probe_never_is_fine_for_a_disabled_gateway(capsys, service, probe):
    result = run(capsys, sending(enabled=False, probe={"when": "never"}))
    assert result["changed"] and probe.calls == []
    assert result["probe"]["ran"] is False


def test_probe_always_runs_without_a_change(capsys, service, probe):
    service.seed("sending", stored_sending())
    probe.failing["203.0.113.10"] = ("data", 452, "insufficient storage")
    result = run(capsys, sending(probe={"when": "always"}))
    assert not result["failed"]
    assert result["changed"] is False and len(probe.calls) == 1
    assert service.methods() == ["GET"]
    assert "enabled with these addresses" in warnings(result)


def test_max_targets_limits_the_probe_and_warns(capsys, service, probe):
    result = run(
        capsys,
        sending(addresses=["203.0.113.0/28"], enabled=False, probe={"max_targets": 4}),
    )
    assert not result["failed"], result.get("msg")
    assert [target[0] for target in probe.calls[0]["targets"]] == [
        "203.0.113.1",
        "203.0.113.2",
        "203.0.113.3",
        "203.0.113.4",
    ]
    assert result["probe"]["skipped"] == 10
    assert "first 4 hosts of addresses" in warnings(result) and "10 more" in warnings(result)
    assert "probe.max_targets" in warnings(result)


# --- 6. check mode --------------------------------------------------------------------------------


def test_check_mode_probes_without_data_and_writes_nothing(capsys, service, probe):
    result = run(capsys, sending(addresses=["203.0.113.10", "203.0.113.11"]), check=True, diff=True)
    assert not result["failed"], result.get("msg")
    assert result["changed"] is True
    assert service.methods() == ["GET"]
    assert probe.calls[0]["send_data"] is False
    assert result["probe"]["mode"] == "check"
    assert result["service_test"] is None
    assert result["gateway"]["addresses"] == ["203.0.113.10", "203.0.113.11"]
    assert [save["addresses"] for save in result["saves"]] == [
        ["203.0.113.10"],
        ["203.0.113.10", "203.0.113.11"],
    ]
    assert result["diff"]["before"] == {}


def test_check_mode_fails_where_the_real_run_would(capsys, service, probe):
    probe.failing["203.0.113.10"] = ("ehlo", 421, "closing")
    result = run(capsys, sending(), check=True)
    assert result["failed"]
    assert "cannot enable it" in result["msg"] and "check mode" in result["msg"]
    assert service.methods() == ["GET"]
    assert probe.calls[0]["send_data"] is False


def test_check_mode_delete_writes_nothing(capsys, service, probe):
    service.seed("sending", stored_sending())
    result = run(capsys, {"domain": "example.com", "state": "absent"}, check=True, diff=True)
    assert result["changed"] is True and result["gateway"] == {}
    assert result["diff"]["after"] == {} and result["diff"]["before"]["name"] == "DLP cluster"
    assert service.methods() == ["GET"]


# --- staged first save ----------------------------------------------------------------------------


def test_staged_first_save_order(capsys, service, probe):
    args = sending(addresses=["203.0.113.11", "203.0.113.10"])
    result = run(capsys, args)
    assert not result["failed"], result.get("msg")
    assert service.methods() == ["GET", "TEST", "PUT", "PUT"]
    first, first_etag = service.calls[2][2:]
    full, full_etag = service.calls[3][2:]
    assert first["gatewayAddress"] == "203.0.113.10" and first["enabled"] is True
    assert first_etag is None
    assert full["gatewayAddress"] == "203.0.113.10,203.0.113.11"
    assert full_etag == '"v1"', "the second save carries the ETag of the first"
    assert service.calls[1][2] == "203.0.113.10", "the service test is of the first address"
    assert len(probe.calls[0]["targets"]) == 2
    assert [save["addresses"] for save in result["saves"]] == [
        ["203.0.113.10"],
        ["203.0.113.10", "203.0.113.11"],
    ]
    assert result["gateway"]["addresses"] == ["203.0.113.10", "203.0.113.11"]


def test_staged_first_save_of_a_block_starts_with_its_first_host(capsys, service, probe):
    result = run(capsys, sending(addresses=["203.0.113.8/30"]))
    assert not result["failed"], result.get("msg")
    puts = [call for call in service.calls if call[0] == "PUT"]
    assert [put[2]["gatewayAddress"] for put in puts] == ["203.0.113.9", "203.0.113.8/30"]


def test_staged_first_save_can_be_turned_off(capsys, service, probe):
    run(capsys, sending(addresses=["203.0.113.10", "203.0.113.11"], staged_first_save=False))
    assert service.methods() == ["GET", "TEST", "PUT"]


def test_failure_after_the_first_save_reports_what_was_written(capsys, service, probe):
    def unavailable(svc, kind, body, etag):
        if "," in body["gatewayAddress"]:
            raise ApiError(
                "PUT",
                "/v2/domains/example.com/gateways/sending",
                503,
                "ServiceUnavailable",
                "busy",
                attempts=5,
            )

    service.before["PUT"] = [lambda *a: None, unavailable]
    result = run(capsys, sending(addresses=["203.0.113.10", "203.0.113.11"]))
    assert result["failed"]
    assert "1 of 2 saves were written" in result["msg"]
    assert "api_retries" in result["msg"]
    assert result["changed"] is True
    assert result["gateway"]["addresses"] == ["203.0.113.10"]


# --- 7. change window -----------------------------------------------------------------------------


def _closed_window(**extra) -> dict:
    today = datetime.datetime.now(datetime.UTC).strftime("%a").lower()
    others = [d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") if d != today]
    return {"start": "00:00", "end": "23:59", "timezone": "UTC", "weekdays": others, **extra}


def _open_window() -> dict:
    now = datetime.datetime.now(datetime.UTC)
    start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1)
    return {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "timezone": "UTC"}


def test_closed_window_fails_a_real_run_before_probe_and_write(capsys, service, probe):
    result = run(capsys, sending(change_window=_closed_window()))
    assert result["failed"]
    assert "outside the change window 00:00-23:59 UTC" in result["msg"]
    assert "it is now" in result["msg"] and "change_window.enforce=false" in result["msg"]
    assert service.methods() == ["GET"] and probe.calls == []


def test_closed_window_only_warns_in_check_mode(capsys, service, probe):
    result = run(capsys, sending(change_window=_closed_window()), check=True)
    assert not result["failed"], result.get("msg")
    assert "outside the change window" in warnings(result)
    assert "real run would fail" in warnings(result)
    assert probe.calls[0]["send_data"] is False


def test_closed_window_does_not_matter_without_a_change(capsys, service, probe):
    service.seed("sending", stored_sending())
    result = run(capsys, sending(change_window=_closed_window()))
    assert not result["failed"] and result["changed"] is False


def test_window_not_enforced_warns_and_goes_ahead(capsys, service, probe):
    result = run(capsys, sending(change_window=_closed_window(enforce=False)))
    assert not result["failed"] and result["changed"] is True
    assert "enforce is false" in warnings(result)


def test_open_window_writes(capsys, service, probe):
    result = run(capsys, sending(change_window=_open_window()))
    assert not result["failed"], result.get("msg")
    assert result["changed"] is True and "warnings" not in result


# --- 8. If-Match and 412 --------------------------------------------------------------------------


def test_write_whose_reply_was_lost_needs_no_second_write(capsys, service, probe):
    service.seed("sending", stored_sending())

    def lost_reply(svc, kind, body):
        raise PreconditionFailed(
            "PUT",
            "/v2/domains/example.com/gateways/sending",
            412,
            "PreconditionFailed",
            "stale",
            attempts=2,
        )

    service.after["PUT"] = [lost_reply]
    result = run(capsys, {"domain": "example.com", "name": "Renamed"})
    assert not result["failed"], result.get("msg")
    assert result["changed"] is True
    assert service.methods() == ["GET", "PUT", "GET"]
    assert result["gateway"]["name"] == "Renamed"


def test_concurrent_change_is_kept_and_the_change_applied_on_top(capsys, service, probe):
    service.seed("sending", stored_sending())

    def someone_renames(svc, kind, body, etag):
        svc.seed(kind, {**svc.bodies[kind], "name": "Renamed by a colleague"})

    service.before["PUT"] = [someone_renames]
    result = run(capsys, {"domain": "example.com", "enabled": False})
    assert not result["failed"], result.get("msg")
    assert service.methods() == ["GET", "PUT", "GET", "PUT"]
    assert service.calls[3][3] == '"v2"', "the retry carries the new ETag"
    assert service.calls[3][2]["name"] == "Renamed by a colleague"
    assert result["gateway"]["enabled"] is False
    assert result["gateway"]["name"] == "Renamed by a colleague"


def test_concurrent_change_to_the_proven_addresses_is_not_overwritten(capsys, service, probe):
    service.seed("sending", stored_sending(enabled=False))

    def someone_moves_it(svc, kind, body, etag):
        svc.seed(kind, {**svc.bodies[kind], "gatewayAddress": "203.0.113.50"})

    service.before["PUT"] = [someone_moves_it]
    result = run(capsys, {"domain": "example.com", "enabled": True})
    assert result["failed"]
    assert "412" in result["msg"] and "changed by someone else" in result["msg"]
    assert "nothing was written" in result["msg"]
    assert [call[0] for call in service.writes()] == ["TEST", "PUT"]
    assert service.bodies["sending"]["gatewayAddress"] == "203.0.113.50"


def test_412_twice_fails(capsys, service, probe):
    service.seed("sending", stored_sending())

    def bump(svc, kind, body, etag):
        svc.seed(kind, {**svc.bodies[kind], "name": f"other {svc.version}"})

    service.before["PUT"] = [bump, bump]
    result = run(capsys, {"domain": "example.com", "enabled": False})
    assert result["failed"] and "run the task again" in result["msg"]
    assert service.methods() == ["GET", "PUT", "GET", "PUT"]


def test_concurrent_identical_change_needs_no_write(capsys, service, probe):
    service.seed("sending", stored_sending())

    def same_change(svc, kind, body, etag):
        svc.seed(kind, {**svc.bodies[kind], "enabled": False})

    service.before["PUT"] = [same_change]
    result = run(capsys, {"domain": "example.com", "enabled": False})
    assert not result["failed"] and result["changed"] is True
    assert service.methods() == ["GET", "PUT", "GET"]


def test_not_verified_speaks_like_a_failed_probe(capsys, service, probe):
    service.seed("sending", stored_sending(enabled=False))

    def forget_tests(svc, kind, body, etag):
        svc.tested.clear()

    service.before["PUT"] = [forget_tests]
    result = run(capsys, {"domain": "example.com", "enabled": True})
    assert result["failed"]
    assert result["msg"].startswith("sending gateway of example.com: cannot enable it")
    assert "409 GatewayNotVerified" in result["msg"] and "nothing was written" in result["msg"]


# --- 9. absent ------------------------------------------------------------------------------------


def test_absent_deletes_with_if_match(capsys, service, probe):
    etag = service.seed("sending", stored_sending())
    result = run(capsys, {"domain": "example.com", "state": "absent"}, diff=True)
    assert result["changed"] is True and result["gateway"] == {}
    assert service.calls[1] == ("DELETE", "sending", etag)
    assert result["diff"]["after"] == {}
    assert probe.calls == []


def test_absent_already_is_no_change(capsys, service, probe):
    result = run(capsys, {"domain": "example.com", "state": "absent"})
    assert result["changed"] is False and service.methods() == ["GET"]


def test_absent_after_412_reads_and_deletes_again(capsys, service, probe):
    service.seed("sending", stored_sending())

    def bump(svc, kind, etag):
        svc.seed(kind, {**svc.bodies[kind], "name": "edited"})

    service.before["DELETE"] = [bump]
    result = run(capsys, {"domain": "example.com", "state": "absent"})
    assert result["changed"] is True and "sending" not in service.bodies
    assert service.methods() == ["GET", "DELETE", "GET", "DELETE"]


def test_absent_respects_the_window(capsys, service, probe):
    service.seed("sending", stored_sending())
    args = {"domain": "example.com", "state": "absent", "change_window": _closed_window()}
    result = run(capsys, args)
    assert result["failed"] and "outside the change window" in result["msg"]
    assert service.writes() == []


# --- errors and secrets ---------------------------------------------------------------------------


def test_domain_not_found_names_the_option(capsys, service, probe):
    result = run(capsys, sending(domain="example.org"))
    assert result["failed"]
    assert "404 DomainNotFound" in result["msg"] and "check domain" in result["msg"]
    assert "gateway" not in result


def test_authentication_error_never_shows_the_secret(capsys, service, probe):
    def refuse(svc, kind):
        raise AuthenticationError(
            "POST", "/oauth2/v2.0/token", 401, "InvalidClient", f"bad secret {SECRET}"
        )

    service.before["GET"] = [refuse]
    result = run(capsys, sending())
    assert result["failed"]
    assert "InvalidClient" in result["msg"] and "ALIMAIL_CLIENT_SECRET" in result["msg"]
    assert "<client_secret>" in result["msg"]


def test_secret_stays_out_of_success_results(capsys, service, probe):
    # run() asserts the absence of the secret in every output; this covers the richest success.
    result = run(capsys, sending(addresses=["203.0.113.10", "203.0.113.11"]), diff=True)
    assert result["changed"] is True
    assert (
        result["invocation"]["module_args"]["client_secret"]
        == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    )


# --- the real layers at the faked boundaries --------------------------------------------------------


def test_probe_call_matches_the_real_probe_signature(capsys, service, probe):
    run(capsys, sending(probe={"tls": "required", "tls_verify": True, "timeout": 2.5}))
    (call,) = probe.calls
    arguments = inspect.signature(REAL_PROBE).bind(**call).arguments
    assert arguments["tls"] == "required" and arguments["tls_verify"] is True
    assert arguments["timeout"] == 2.5 and arguments["concurrency"] == 16


def test_open_client_builds_the_real_client_without_a_request():
    connection = Connection("https://alimail-test.example.net", "demo", SECRET, timeout=5.0)
    client = REAL_OPEN_CLIENT(connection)
    try:
        assert client.calls == []
        assert SECRET not in repr(client)
    finally:
        client.close()


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        (ApiError("GET", "/v2/x", None, None, "connection refused", attempts=5), "check api_url"),
        (ApiError("GET", "/v2/x", 429, "Throttling", "slow down", attempts=5), "api_retries"),
        (ApiError("PUT", "/v2/x", 400, "InvalidParameter", "name too long"), None),
    ],
)
def test_failure_message_is_shared_by_every_module(error, hint):
    text = failure_message("gateways of example.com", error, written="nothing was written")
    assert text.startswith("gateways of example.com: " + error.message)
    assert text.endswith("; nothing was written")
    if hint:
        assert hint in text
    else:
        assert text.count(";") == 1


def test_helo_name_with_a_space_is_refused(capsys, service, probe):
    result = run(capsys, sending(probe={"helo_name": "probe host"}))
    assert result["failed"] and "option probe.helo_name" in result["msg"]
    assert service.calls == []
