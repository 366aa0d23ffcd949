# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mail_gateway_probe through main(): the probe faked at its boundary, then the real one."""

from __future__ import annotations

import inspect
import json
import re

import pytest
import yaml
from ansible_collections.alimail.gateways.plugins.doc_fragments import probe as probe_fragment
from ansible_collections.alimail.gateways.plugins.module_utils import _probe
from ansible_collections.alimail.gateways.plugins.module_utils._argspec import (
    preflight_argument_spec,
)
from ansible_collections.alimail.gateways.plugins.modules import (
    mail_gateway_probe,
    mail_send_gateway,
)
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.smtp_servers import (
    RawSMTP,
)
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.test_argspec import (
    _normalised,
    documented_options,
)
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.test_runner import (
    REAL_PROBE,
    clear_warnings,
    install,
    warnings,
)
from ansible_collections.alimail.gateways.tests.unit.plugins.modules.harness import (
    example_tasks,
    run_main,
    shape,
)


@pytest.fixture(autouse=True)
def _fresh_warnings():
    clear_warnings()
    yield
    clear_warnings()


@pytest.fixture
def fakes(monkeypatch):
    return install(monkeypatch)


@pytest.fixture
def probe(fakes):
    return fakes[1]


def preflight(capsys, check=False, **extra) -> dict:
    args = {
        "domain": "example.com",
        "addresses": ["192.0.2.10", "192.0.2.11:2525"],
        "verification_email": "check@example.com",
    }
    args.update(extra)
    return run_main(capsys, mail_gateway_probe.main, args, check=check)


def test_check_mode_probes_every_target_without_data(capsys, fakes):
    service, probe = fakes
    result = preflight(capsys, check=True)
    assert not result["failed"], result.get("msg")
    assert result["changed"] is False
    assert result["probe"]["ran"] and result["probe"]["ok"]
    assert result["probe"]["mode"] == "check" and result["probe"]["skipped"] == 0
    [call] = probe.calls
    assert call["targets"] == [("192.0.2.10", 25), ("192.0.2.11", 2525)]
    assert call["send_data"] is False
    assert service.connections == [] and service.calls == [], "the API is never called"


def test_real_run_delivers_naming_the_domain_and_run_id(capsys, probe):
    result = preflight(capsys)
    assert not result["failed"], result.get("msg")
    assert result["changed"] is False, "a probe changes nothing the collection manages"
    assert result["probe"]["mode"] == "deliver"
    assert re.fullmatch(r"[0-9a-f]{12}", result["probe"]["run_id"])
    [call] = probe.calls
    assert call["send_data"] is True
    assert call["domain"] == "example.com" and call["run_id"] == result["probe"]["run_id"]
    assert call["mail_from"] == "postmaster@example.com"
    assert call["verification_email"] == "check@example.com"


def test_a_failing_target_fails_and_every_target_is_returned(capsys, probe):
    probe.failing["192.0.2.11"] = ("rcpt", 550, "5.1.1 mailbox unavailable")
    result = preflight(capsys, check=True)
    assert result["failed"] and result["changed"] is False
    assert result["msg"].startswith(
        "gateway probe for example.com: 1 of 2 targets failed: "
        "192.0.2.11:2525 at rcpt (550 5.1.1 mailbox unavailable)"
    )
    assert "probe.targets" in result["msg"]
    targets = result["probe"]["targets"]
    assert [(t["address"], t["ok"], t["stage"]) for t in targets] == [
        ("192.0.2.10", True, "done"),
        ("192.0.2.11", False, "rcpt"),
    ]
    assert result["probe"]["ok"] is False and result["probe"]["ran"] is True


def test_hosts_beyond_max_targets_are_left_out_with_a_warning(capsys, probe):
    result = preflight(capsys, addresses=["203.0.113.0/28"], probe={"max_targets": 4})
    assert not result["failed"], result.get("msg")
    assert [target[0] for target in probe.calls[0]["targets"]] == [
        "203.0.113.1",
        "203.0.113.2",
        "203.0.113.3",
        "203.0.113.4",
    ]
    assert result["probe"]["skipped"] == 10
    assert (
        "gateway probe for example.com: the probe covers the first 4 hosts of addresses; "
        "10 more were left out; raise probe.max_targets" in warnings(result)
    )


def test_without_a_domain_the_sender_must_be_named(capsys, probe):
    result = preflight(capsys, domain=None)
    assert result["failed"]
    assert result["msg"] == (
        "gateway probe: option probe.mail_from is required when domain is not set; set domain "
        "to send from postmaster@<domain>, or set probe.mail_from"
    )
    assert probe.calls == [] and result["probe"]["ran"] is False


def test_without_a_domain_the_named_sender_is_used(capsys, probe):
    result = preflight(capsys, domain=None, probe={"mail_from": "probe@example.net"})
    assert not result["failed"], result.get("msg")
    [call] = probe.calls
    assert call["mail_from"] == "probe@example.net" and call["domain"] == ""


@pytest.mark.parametrize("when", ["changed", "always", "never"])
def test_probe_when_is_not_used(capsys, probe, when):
    result = preflight(capsys, probe={"when": when})
    assert not result["failed"] and len(probe.calls) == 1


def test_probe_settings_reach_the_probe(capsys, probe):
    settings = {"tls": "required", "tls_verify": True, "timeout": 2.5, "concurrency": 4}
    preflight(capsys, probe={**settings, "helo_name": "probe.example.net", "port": 2526})
    [call] = probe.calls
    arguments = inspect.signature(REAL_PROBE).bind(**call).arguments
    assert {key: arguments[key] for key in settings} == settings
    assert arguments["helo_name"] == "probe.example.net"
    assert call["targets"] == [("192.0.2.10", 2526), ("192.0.2.11", 2525)], "an entry's port wins"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"addresses": ["127.0.0.1"]}, ["option addresses", "loopback", "allow_private_addresses"]),
        ({"addresses": ["10.1.2.3"]}, ["option addresses", "private"]),
        ({"addresses": []}, ["option addresses"]),
        ({"addresses": ["192.0.2.20-192.0.2.10"]}, ["option addresses", "reversed range"]),
        ({"verification_email": "check@"}, ["option verification_email", "no domain"]),
        ({"domain": "exa mple.com"}, ["gateway probe: option domain", "not a domain name"]),
        ({"probe": {"port": 0}}, ["option probe.port", "from 1 to 65535"]),
        ({"probe": {"timeout": 0}}, ["option probe.timeout"]),
        ({"probe": {"max_targets": 0}}, ["option probe.max_targets", "at least 1"]),
        ({"probe": {"mail_from": "postmaster"}}, ["option probe.mail_from", "email address"]),
        ({"probe": {"helo_name": "a b"}}, ["option probe.helo_name"]),
    ],
)
def test_bad_input_fails_before_any_probe(capsys, probe, extra, words):
    result = preflight(capsys, **extra)
    assert result["failed"]
    for word in words:
        assert word in result["msg"], (word, result["msg"])
    assert probe.calls == [] and result["probe"]["ran"] is False


def test_private_addresses_are_allowed_when_asked(capsys, probe):
    result = preflight(capsys, addresses=["127.0.0.1:2525"], allow_private_addresses=True)
    assert not result["failed"], result.get("msg")
    assert probe.calls[0]["targets"] == [("127.0.0.1", 2525)]


def test_connection_options_are_accepted_and_never_used(capsys, fakes):
    service, probe = fakes
    secret = "group-default-secret"
    result = preflight(
        capsys, api_url="http://127.0.0.1:8080", client_id="demo", client_secret=secret
    )
    assert not result["failed"], result.get("msg")
    assert len(probe.calls) == 1, "the probe ran"
    assert service.connections == [] and service.calls == [], "the API is never called"
    assert secret not in json.dumps(result), "the ignored secret is not echoed"


def test_examples_run_as_written(capsys, probe):
    tasks = example_tasks(mail_gateway_probe)
    assert len(tasks) == 5
    results = []
    for args, check in tasks:
        result = run_main(capsys, mail_gateway_probe.main, args, check=check)
        assert not result["failed"], (args, result["msg"])
        assert result["probe"]["mode"] == ("check" if check else "deliver")
        results.append(result)
    assert [call["send_data"] for call in probe.calls] == [False, True, True, False, False]
    block = results[1]
    assert len(block["probe"]["targets"]) == 6 and "warnings" not in block, "the whole block"
    assert probe.calls[2]["timeout"] == 5.0, "the settings passed on from a variable"


def test_allow_private_addresses_only_in_the_emulator_example():
    for args, _check in example_tasks(mail_gateway_probe):
        if args.get("allow_private_addresses"):
            assert all(address.startswith("127.0.0.1") for address in args["addresses"])


def test_return_has_the_probe_shape_of_the_gateway_modules(capsys, probe):
    returned = yaml.safe_load(mail_gateway_probe.RETURN)
    result = preflight(capsys)
    assert set(result) - {"changed", "failed", "invocation"} == set(returned)
    assert set(result["probe"]) == set(returned["probe"]["contains"])
    assert set(result["probe"]["targets"][0]) == set(
        returned["probe"]["contains"]["targets"]["contains"]
    )
    gateway_probe = yaml.safe_load(mail_send_gateway.RETURN)["probe"]
    assert shape(returned["probe"]) == shape(gateway_probe)


def test_documentation_matches_the_argument_spec():
    spec = {name: _normalised(value) for name, value in preflight_argument_spec().items()}
    docs = {
        name: _normalised(value) for name, value in documented_options("mail_gateway_probe").items()
    }
    assert docs == spec


def test_the_probe_fragment_variant_differs_only_where_it_must():
    fragment = probe_fragment.ModuleDocFragment
    gateway = yaml.safe_load(fragment.DOCUMENTATION)["options"]["probe"]
    variant = yaml.safe_load(fragment.PREFLIGHT)["options"]["probe"]
    assert variant["description"][1:] == gateway["description"][1:]
    assert {key: value for key, value in variant.items() if key != "description"}.keys() == (
        gateway.keys() - {"description"}
    )
    own = {"when", "mail_from"}
    assert {name: spec for name, spec in variant["suboptions"].items() if name not in own} == {
        name: spec for name, spec in gateway["suboptions"].items() if name not in own
    }
    for name in own:
        spec, base = variant["suboptions"][name], gateway["suboptions"][name]
        assert {k: v for k, v in spec.items() if k != "description"} == {
            k: v for k, v in base.items() if k != "description"
        }


def test_documentation_puts_it_in_the_action_group_with_ignored_connection_options():
    doc = yaml.safe_load(mail_gateway_probe.DOCUMENTATION)
    fragments = doc["extends_documentation_fragment"]
    assert "alimail.gateways.attributes" in fragments, "member of group/alimail.gateways.all"
    assert "alimail.gateways.connection.ignored" in fragments
    assert doc["attributes"]["check_mode"]["support"] == "full"
    assert {entry["module"] for entry in doc["seealso"]} == {
        "alimail.gateways.mail_send_gateway",
        "alimail.gateways.mail_receive_gateway",
        "alimail.gateways.mail_gateway_info",
    }


# --- the real probe against a loopback server ----------------------------------------------------


@pytest.fixture
def server(monkeypatch):
    # Only the host name lookup is faked; the SMTP session is real.
    monkeypatch.setattr(_probe, "default_helo", lambda: "controller.example.net")
    started = RawSMTP()
    yield started
    started.stop()


def _real(capsys, server, check):
    return preflight(
        capsys,
        check=check,
        addresses=[f"127.0.0.1:{server.port}"],
        allow_private_addresses=True,
        probe={"timeout": 5},
    )


def test_real_probe_in_check_mode_ends_after_rcpt(capsys, server):
    result = _real(capsys, server, check=True)
    assert not result["failed"], result.get("msg")
    verbs = [command.split(" ", 1)[0].upper() for command in server.commands]
    assert verbs == ["EHLO", "MAIL", "RCPT", "RSET", "QUIT"]
    assert server.messages == []


def test_real_probe_in_a_real_run_sends_the_verification_message(capsys, server):
    result = _real(capsys, server, check=False)
    assert not result["failed"], result.get("msg")
    [message] = server.messages
    assert b"example.com" in message and result["probe"]["run_id"].encode() in message
    assert result["probe"]["targets"][0]["stage"] == "done"
