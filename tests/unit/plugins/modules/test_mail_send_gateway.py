# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mail_send_gateway through main(): the four-step rhythm, its EXAMPLES and its RETURN."""

from __future__ import annotations

import pytest
import yaml
from ansible_collections.alimail.gateways.plugins.modules import mail_send_gateway
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.test_runner import (
    clear_warnings,
    example_tasks,
    install,
    run,
    run_examples,
    sending,
    stored_sending,
)


@pytest.fixture(autouse=True)
def _fresh_warnings():
    clear_warnings()
    yield
    clear_warnings()


@pytest.fixture
def fakes(monkeypatch):
    return install(monkeypatch)


def test_four_step_rhythm(capsys, fakes):
    service, probe = fakes
    args = sending(addresses=["203.0.113.10", "203.0.113.11"])

    planned = run(capsys, args, check=True, diff=True)
    assert planned["changed"] is True and service.writes() == []

    created = run(capsys, args, diff=True)
    assert created["changed"] is True
    assert created["gateway"]["addresses"] == ["203.0.113.10", "203.0.113.11"]
    assert created["diff"]["after"] == {
        k: v for k, v in created["gateway"].items() if k != "updated_at"
    }, "the diff shows configuration only"
    assert planned["diff"]["after"] == {
        key: value for key, value in created["gateway"].items() if key != "updated_at"
    }, "check mode predicts what the real run does"

    service.calls.clear()
    again = run(capsys, args)
    assert again["changed"] is False and service.methods() == ["GET"]

    checked = run(capsys, args, check=True)
    assert checked["changed"] is False and service.methods() == ["GET", "GET"]
    assert len(probe.calls) == 2, "only the plan and the create probe; reruns change nothing"


def test_examples_run_as_written(capsys, monkeypatch, fakes):
    service = fakes[0]
    results = run_examples(capsys, monkeypatch, service, mail_send_gateway, kind="sending")
    assert len(results) == 7
    created = results[0][1]
    assert [save["addresses"] for save in created["saves"]] == [
        ["203.0.113.10"],
        ["203.0.113.10", "203.0.113.11"],
    ]
    emulated = results[-1][1]
    assert emulated["probe"]["targets"][0]["port"] == 12525
    assert emulated["gateway"]["enabled"] is True
    assert service.others["example.org"].bodies == {}, "the last example.org task removes it"


def test_allow_private_addresses_only_in_the_emulator_example():
    for args in (task[0] for task in example_tasks(mail_send_gateway, "sending")):
        if args.get("allow_private_addresses"):
            assert all(address.startswith("127.0.0.1") for address in args["addresses"]), (
                "allow_private_addresses belongs to the emulator example only"
            )


def test_return_documents_every_key(capsys, fakes):
    returned = yaml.safe_load(mail_send_gateway.RETURN)
    result = run(capsys, sending(), diff=True)
    assert set(result) - {"changed", "failed", "invocation", "warnings"} == set(returned)
    assert set(result["gateway"]) == set(returned["gateway"]["contains"])
    assert set(result["probe"]) == set(returned["probe"]["contains"])
    assert set(result["probe"]["targets"][0]) == set(
        returned["probe"]["contains"]["targets"]["contains"]
    )
    assert set(result["service_test"]) == set(returned["service_test"]["contains"])
    assert set(result["diff"]) == set(returned["diff"]["contains"])


def test_disabling_needs_no_probe(capsys, fakes):
    service, probe = fakes
    service.seed("sending", stored_sending())
    result = run(capsys, {"domain": "example.com", "enabled": False})
    assert result["changed"] is True and probe.calls == []
    assert [call[0] for call in service.writes()] == ["PUT"]
    assert result["gateway"]["enabled"] is False


def test_documentation_names_the_vendor_warnings():
    doc = yaml.safe_load(mail_send_gateway.DOCUMENTATION)
    text = " ".join(doc["description"])
    for phrase in (
        "stops the domain's outgoing external mail at once",
        "only after a successful test",
        "single address first",
        "off-peak",
    ):
        assert phrase in text, phrase
    assert doc["version_added"] == "0.1.0"
    assert {entry["module"] for entry in doc["seealso"]} == {
        "alimail.gateways.mail_receive_gateway",
        "alimail.gateways.mail_gateway_info",
        "alimail.gateways.mail_gateway_probe",
    }
