# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mail_gateway_info through main(), with the API client faked at its boundary."""

from __future__ import annotations

import pytest
import yaml
from ansible_collections.alimail.gateways.plugins.module_utils._argspec import info_argument_spec
from ansible_collections.alimail.gateways.plugins.module_utils._errors import AuthenticationError
from ansible_collections.alimail.gateways.plugins.modules import mail_gateway_info
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.test_argspec import (
    _normalised,
    documented_options,
)
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.test_runner import (
    SECRET,
    clear_warnings,
    install,
    run,
    sending,
    stored_sending,
    warnings,
)
from ansible_collections.alimail.gateways.tests.unit.plugins.modules.harness import (
    example_tasks,
    run_main,
)

CONNECTION = {
    "api_url": "https://alimail-test.example.net",
    "client_id": "demo",
    "client_secret": SECRET,
}
# The EXAMPLES take credentials from the environment.
CREDENTIALS = {"client_id": "demo", "client_secret": SECRET}
RECEIVING_ARGS = {
    "domain": "example.com",
    "name": "Anti-spam cluster",
    "ingress_addresses": ["203.0.113.26", "203.0.113.25"],
    "egress_addresses": ["198.51.100.16/29"],
    "verification_email": "check@example.com",
    "enabled": True,
}


@pytest.fixture(autouse=True)
def _fresh_warnings():
    clear_warnings()
    yield
    clear_warnings()


@pytest.fixture
def service(monkeypatch):
    return install(monkeypatch)[0]


def info(capsys, check=False, **args) -> dict:
    return run_main(capsys, mail_gateway_info.main, {**CONNECTION, **args}, check=check)


def test_never_configured_directions_are_null(capsys, service):
    result = info(capsys, domain="example.com")
    assert not result["failed"], result.get("msg")
    assert result["changed"] is False
    assert result["gateways"] == {"example.com": {"sending": None, "receiving": None}}
    assert service.calls == [("GET", "sending"), ("GET", "receiving")]
    assert service.closed == 1


def test_same_shape_as_the_gateway_modules_return(capsys, service):
    created = run(capsys, sending(addresses=["203.0.113.11", "203.0.113.10"]))
    received = run(capsys, RECEIVING_ARGS, kind="receiving")
    assert not created["failed"] and not received["failed"]
    result = info(capsys, domain="example.com")
    assert result["gateways"]["example.com"] == {
        "sending": created["gateway"],
        "receiving": received["gateway"],
    }


def test_the_service_spelling_is_returned_canonical(capsys, service):
    # The fake returns address fields reversed and spaced, as the service may.
    service.seed("sending", stored_sending(gatewayAddress="203.0.113.10,2001:DB8:0::25"))
    [stored] = info(capsys, domain="example.com")["gateways"].values()
    assert stored["sending"]["addresses"] == ["203.0.113.10", "2001:db8::25"]
    assert stored["sending"]["updated_at"] == "2026-03-01T10:00:01Z"
    assert stored["receiving"] is None


def test_several_domains_with_one_client(capsys, service):
    service.add_domain("example.org").seed("sending", stored_sending(name="Org relay"))
    result = info(capsys, domains=["example.com", "Example.ORG.", "example.org"])
    assert not result["failed"], result.get("msg")
    assert list(result["gateways"]) == ["example.com", "example.org"]
    assert result["gateways"]["example.org"]["sending"]["name"] == "Org relay"
    assert len(service.connections) == 1, "one client, so one token, for the whole run"
    assert service.closed == 1
    assert service.methods() == ["GET"] * 4


def test_unknown_domain_fails_naming_it_and_keeps_what_was_read(capsys, service):
    result = info(capsys, domains=["example.com", "example.net", "example.org"])
    assert result["failed"]
    assert result["msg"].startswith("gateways of example.net: GET /v2/domains/example.net/")
    assert "404 DomainNotFound" in result["msg"] and "check domain" in result["msg"]
    assert result["changed"] is False
    assert result["gateways"] == {"example.com": {"sending": None, "receiving": None}}
    assert service.closed == 1, "the client is closed also on failure"


def test_check_mode_reads_the_same(capsys, service):
    service.seed("sending", stored_sending())
    plain = info(capsys, domain="example.com")
    checked = info(capsys, check=True, domain="example.com")
    assert checked["gateways"] == plain["gateways"] and checked["changed"] is False
    assert service.writes() == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({}, ["one of the following is required: domain, domains"]),
        (
            {"domain": "example.com", "domains": ["example.org"]},
            ["mutually exclusive: domain|domains"],
        ),
        ({"domain": "exa mple.com"}, ["gateways: option domain:", "not a domain name"]),
        ({"domains": ["example.com", "../admin"]}, ["option domains: '../admin'", "not a domain"]),
        ({"domains": []}, ["option domains: []", "is empty"]),
        (
            {"domain": "example.com", "api_retries": 0},
            ["gateways of example.com: option api_retries"],
        ),
        (
            {"domain": "example.com", "client_id": ""},
            ["option client_id is required", "ALIMAIL_CLIENT_ID"],
        ),
    ],
)
def test_bad_input_fails_before_any_request(capsys, service, args, words):
    result = run_main(capsys, mail_gateway_info.main, {**CONNECTION, **args})
    assert result["failed"]
    for word in words:
        assert word in result["msg"], (word, result["msg"])
    assert service.connections == [] and service.calls == []


def test_plain_http_to_another_host_warns_in_the_same_voice(capsys, service):
    result = info(capsys, domain="example.com", api_url="http://alimail.example.net")
    assert not result["failed"], result.get("msg")
    assert "gateways of example.com: api_url http://alimail.example.net is plain HTTP" in warnings(
        result
    )


def test_authentication_error_hides_the_secret(capsys, service):
    def refuse(svc, kind):
        raise AuthenticationError(
            "POST", "/oauth2/v2.0/token", 401, "InvalidClient", f"bad secret {SECRET}"
        )

    service.before["GET"] = [refuse]
    result = info(capsys, domains=["example.com", "example.org"])
    assert result["failed"]
    assert result["msg"].startswith("gateways of example.com: POST /oauth2/v2.0/token")
    assert "<client_secret>" in result["msg"] and "ALIMAIL_CLIENT_SECRET" in result["msg"]


def test_examples_run_as_written(capsys, service):
    service.add_domain("example.org")
    tasks = example_tasks(mail_gateway_info)
    assert len(tasks) == 3
    for args, check in tasks:
        result = run_main(capsys, mail_gateway_info.main, {**CREDENTIALS, **args}, check=check)
        assert not result["failed"], (args, result["msg"])
        assert result["changed"] is False


def _api_body(gateway: dict) -> dict:
    fields = {
        "name": "name",
        "addresses": "gatewayAddress",
        "ingress_addresses": "ingressAddress",
        "egress_addresses": "egressAddress",
        "verification_email": "verificationEmail",
        "enabled": "enabled",
    }
    return {
        fields[key]: ",".join(value) if isinstance(value, list) else value
        for key, value in gateway.items()
    }


def test_the_drift_example_finds_no_drift_when_stored_as_declared(capsys, service):
    declared = yaml.safe_load(mail_gateway_info.EXAMPLES)[0]["vars"]["declared"]
    services = {"example.com": service, "example.org": service.add_domain("example.org")}
    for domain, directions in declared.items():
        for direction, gateway in directions.items():
            if gateway:
                services[domain].seed(direction, _api_body(gateway))
    args = example_tasks(mail_gateway_info)[0][0]
    stored = run_main(capsys, mail_gateway_info.main, {**CREDENTIALS, **args})["gateways"]
    # What the example's assert compares: updated_at dropped, null as {}.
    compared = {
        domain: {
            direction: {k: v for k, v in (gateway or {}).items() if k != "updated_at"}
            for direction, gateway in directions.items()
        }
        for domain, directions in stored.items()
    }
    assert compared == declared


def test_return_documents_every_key(capsys, service):
    run(capsys, sending())
    run(capsys, RECEIVING_ARGS, kind="receiving")
    returned = yaml.safe_load(mail_gateway_info.RETURN)
    result = info(capsys, domain="example.com")
    assert set(result) - {"changed", "failed", "invocation"} == set(returned)
    [stored] = result["gateways"].values()
    contains = returned["gateways"]["contains"]
    assert set(stored) == set(contains)
    for direction in ("sending", "receiving"):
        assert set(stored[direction]) == set(contains[direction]["contains"])


def test_documentation_matches_the_argument_spec():
    spec = {name: _normalised(value) for name, value in info_argument_spec().items()}
    docs = {
        name: _normalised(value) for name, value in documented_options("mail_gateway_info").items()
    }
    assert docs == spec


def test_documentation_says_what_it_is_for():
    doc = yaml.safe_load(mail_gateway_info.DOCUMENTATION)
    assert "drift reports" in " ".join(doc["description"])
    assert doc["version_added"] == "0.1.0"
    assert doc["attributes"]["check_mode"]["support"] == "full"
    assert doc["attributes"]["diff_mode"]["support"] == "N/A"
    assert {entry["module"] for entry in doc["seealso"]} == {
        "alimail.gateways.mail_send_gateway",
        "alimail.gateways.mail_receive_gateway",
        "alimail.gateways.mail_gateway_probe",
    }
