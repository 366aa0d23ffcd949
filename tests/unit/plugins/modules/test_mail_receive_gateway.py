# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mail_receive_gateway through main(): what differs from sending is its two address fields."""

from __future__ import annotations

import pytest
import yaml
from ansible_collections.alimail.gateways.plugins.modules import mail_receive_gateway
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.test_runner import (
    clear_warnings,
    example_tasks,
    install,
    run,
    run_examples,
)


@pytest.fixture(autouse=True)
def _fresh_warnings():
    clear_warnings()
    yield
    clear_warnings()


@pytest.fixture
def fakes(monkeypatch):
    return install(monkeypatch)


def receiving(**extra) -> dict:
    args = {
        "domain": "example.com",
        "name": "Anti-spam cluster",
        "ingress_addresses": ["203.0.113.25"],
        "egress_addresses": ["203.0.113.32/28"],
        "verification_email": "check@example.com",
        "enabled": True,
    }
    args.update(extra)
    return args


def stored_receiving(**extra) -> dict:
    body = {
        "name": "Anti-spam cluster",
        "ingressAddress": "203.0.113.25",
        "egressAddress": "203.0.113.32/28",
        "verificationEmail": "check@example.com",
        "enabled": True,
    }
    body.update(extra)
    return body


def test_four_step_rhythm(capsys, fakes):
    service = fakes[0]
    args = receiving()
    assert run(capsys, args, kind="receiving", check=True)["changed"] is True
    assert service.writes() == []
    created = run(capsys, args, kind="receiving")
    assert created["changed"] is True
    assert created["gateway"]["egress_addresses"] == ["203.0.113.32/28"]
    service.calls.clear()
    assert run(capsys, args, kind="receiving")["changed"] is False
    assert run(capsys, args, kind="receiving", check=True)["changed"] is False
    assert service.methods() == ["GET", "GET"]


def test_only_ingress_is_probed_and_tested(capsys, fakes):
    service, probe = fakes
    result = run(capsys, receiving(), kind="receiving")
    assert not result["failed"], result.get("msg")
    assert probe.calls[0]["targets"] == [("203.0.113.25", 25)]
    assert service.calls[1] == ("TEST", "receiving", "203.0.113.25", "check@example.com")
    body = service.calls[2][2]
    assert body == {
        "name": "Anti-spam cluster",
        "ingressAddress": "203.0.113.25",
        "egressAddress": "203.0.113.32/28",
        "verificationEmail": "check@example.com",
        "enabled": True,
    }


def test_egress_change_of_an_enabled_gateway_needs_no_probe(capsys, fakes):
    service, probe = fakes
    service.seed("receiving", stored_receiving())
    args = {"domain": "example.com", "egress_addresses": ["203.0.113.32/28", "198.51.100.40"]}
    result = run(capsys, args, kind="receiving", diff=True)
    assert result["changed"] is True and probe.calls == []
    assert [call[0] for call in service.writes()] == ["PUT"]
    assert result["diff"]["before"]["egress_addresses"] == ["203.0.113.32/28"]
    assert result["diff"]["after"]["egress_addresses"] == ["198.51.100.40", "203.0.113.32/28"]


def test_ingress_change_of_an_enabled_gateway_is_proven(capsys, fakes):
    service, probe = fakes
    service.seed("receiving", stored_receiving())
    probe.failing["203.0.113.26"] = ("rcpt", 451, "4.3.0 try again later")
    args = {"domain": "example.com", "ingress_addresses": ["203.0.113.25", "203.0.113.26"]}
    result = run(capsys, args, kind="receiving")
    assert result["failed"]
    assert result["msg"].startswith(
        "receiving gateway of example.com: cannot change the enabled gateway: the probe"
    )
    assert (
        "probe of ingress_addresses" in result["msg"] and "203.0.113.26:25 at rcpt" in result["msg"]
    )
    assert service.writes() == []
    assert result["gateway"]["ingress_addresses"] == ["203.0.113.25"]


def test_broad_egress_is_refused_unless_allowed(capsys, fakes):
    service = fakes[0]
    refused = run(capsys, receiving(egress_addresses=["2001:db8:25::/119"]), kind="receiving")
    assert refused["failed"]
    assert "option egress_addresses" in refused["msg"] and "allow_broad_egress" in refused["msg"]
    assert service.calls == []
    allowed = run(
        capsys,
        receiving(egress_addresses=["2001:db8:25::/119"], allow_broad_egress=True),
        kind="receiving",
    )
    assert not allowed["failed"], allowed.get("msg")


def test_private_egress_is_refused_too(capsys, fakes):
    service = fakes[0]
    result = run(capsys, receiving(egress_addresses=["192.168.10.0/24"]), kind="receiving")
    assert result["failed"] and "option egress_addresses" in result["msg"]
    assert "allow_private_addresses" in result["msg"] and service.calls == []


def test_staged_first_save_keeps_egress_whole(capsys, fakes):
    service = fakes[0]
    args = receiving(ingress_addresses=["203.0.113.25-203.0.113.27"])
    result = run(capsys, args, kind="receiving")
    assert not result["failed"], result.get("msg")
    puts = [call[2] for call in service.calls if call[0] == "PUT"]
    assert [put["ingressAddress"] for put in puts] == ["203.0.113.25", "203.0.113.25-203.0.113.27"]
    assert [put["egressAddress"] for put in puts] == ["203.0.113.32/28", "203.0.113.32/28"]
    assert [put["enabled"] for put in puts] == [True, True]


def test_creating_needs_both_address_fields(capsys, fakes):
    service = fakes[0]
    args = receiving()
    del args["egress_addresses"]
    result = run(capsys, args, kind="receiving")
    assert result["failed"]
    assert "option egress_addresses" in result["msg"] and "required to create" in result["msg"]
    assert service.methods() == ["GET"]


def test_examples_run_as_written(capsys, monkeypatch, fakes):
    service = fakes[0]
    results = run_examples(capsys, monkeypatch, service, mail_receive_gateway, kind="receiving")
    assert len(results) == 7
    created = results[0][1]
    assert [save["ingress_addresses"] for save in created["saves"]] == [
        ["203.0.113.25"],
        ["203.0.113.25", "203.0.113.26"],
    ]
    assert service.others["example.org"].bodies == {}, "the last example.org task removes it"


def test_allow_private_addresses_only_in_the_emulator_example():
    for args in (task[0] for task in example_tasks(mail_receive_gateway, "receiving")):
        if args.get("allow_private_addresses"):
            for address in args["ingress_addresses"] + args["egress_addresses"]:
                assert address.startswith("127.0.0.1"), address


def test_return_documents_every_key(capsys, fakes):
    returned = yaml.safe_load(mail_receive_gateway.RETURN)
    result = run(capsys, receiving(), kind="receiving", diff=True)
    assert set(result) - {"changed", "failed", "invocation", "warnings"} == set(returned)
    assert set(result["gateway"]) == set(returned["gateway"]["contains"])
    assert set(result["probe"]) == set(returned["probe"]["contains"])
    assert set(result["service_test"]) == set(returned["service_test"]["contains"])


def test_documentation_names_the_vendor_warnings():
    doc = yaml.safe_load(mail_receive_gateway.DOCUMENTATION)
    text = " ".join(doc["description"])
    for phrase in (
        "stops the domain's incoming mail at once",
        "only after a successful test",
        "single address first",
        "off-peak",
    ):
        assert phrase in text, phrase
    assert {entry["module"] for entry in doc["seealso"]} == {
        "alimail.gateways.mail_send_gateway",
        "alimail.gateways.mail_gateway_info",
        "alimail.gateways.mail_gateway_probe",
    }
