# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The argument specs, and that the documentation (module plus fragments) says exactly that."""

from __future__ import annotations

import importlib

import pytest
import yaml
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args
from ansible_collections.alimail.gateways.plugins.module_utils._argspec import (
    ENV,
    connection_options,
    gateway_argument_spec,
)

PACKAGE = "ansible_collections.alimail.gateways.plugins"
MODULES = {"sending": "mail_send_gateway", "receiving": "mail_receive_gateway"}
COMPARED = ("type", "default", "choices", "elements", "required")


def _fragment(name: str) -> dict:
    """Options of a fragment named as in extends_documentation_fragment."""
    module_name, *variable = name.removeprefix("alimail.gateways.").split(".", 1)
    fragment = importlib.import_module(f"{PACKAGE}.doc_fragments.{module_name}").ModuleDocFragment
    return yaml.safe_load(getattr(fragment, (variable or ["documentation"])[0].upper()))


def documented_options(module_name: str) -> dict:
    doc = yaml.safe_load(importlib.import_module(f"{PACKAGE}.modules.{module_name}").DOCUMENTATION)
    options = dict(doc.get("options") or {})
    for name in doc["extends_documentation_fragment"]:
        for option, spec in (_fragment(name).get("options") or {}).items():
            assert option not in options, f"{option} is documented twice"
            options[option] = spec
    return options


def _normalised(spec: dict) -> dict:
    shown = {key: spec[key] for key in COMPARED if spec.get(key) not in (None, False)}
    if "options" in spec or "suboptions" in spec:
        children = spec.get("options") or spec.get("suboptions")
        shown["options"] = {name: _normalised(child) for name, child in children.items()}
    return shown


@pytest.mark.parametrize("kind", sorted(MODULES))
def test_documentation_matches_the_argument_spec(kind):
    spec = {name: _normalised(value) for name, value in gateway_argument_spec(kind).items()}
    docs = {name: _normalised(value) for name, value in documented_options(MODULES[kind]).items()}
    assert docs == spec


@pytest.mark.parametrize("kind", sorted(MODULES))
def test_every_option_has_a_description(kind):
    def walk(options, prefix=""):
        for name, spec in options.items():
            assert spec.get("description"), f"{prefix}{name} has no description"
            walk(spec.get("suboptions") or {}, f"{prefix}{name}.")

    walk(documented_options(MODULES[kind]))


def test_environment_fallbacks_are_documented():
    options = documented_options("mail_send_gateway")
    spec = connection_options()
    for option, variable in ENV.items():
        assert spec[option]["fallback"][1] == [variable]
        description = " ".join(options[option]["description"])
        assert f"E({variable})" in description, option


def test_client_secret_is_no_log():
    assert connection_options()["client_secret"]["no_log"] is True
    assert not any(
        spec.get("no_log") for name, spec in connection_options().items() if name != "client_secret"
    )


def test_kinds_differ_only_in_their_fields():
    sending, receiving = gateway_argument_spec("sending"), gateway_argument_spec("receiving")
    assert set(sending) - set(receiving) == {"addresses"}
    assert set(receiving) - set(sending) == {
        "ingress_addresses",
        "egress_addresses",
        "allow_broad_egress",
    }


def _params(args: dict, kind="sending") -> dict:
    with patch_module_args(args):
        return AnsibleModule(argument_spec=gateway_argument_spec(kind)).params


def test_defaults_apply_to_an_unset_probe(monkeypatch):
    for variable in ENV.values():
        monkeypatch.delenv(variable, raising=False)
    params = _params({"domain": "example.com"})
    assert params["probe"] == {
        "when": "changed",
        "port": 25,
        "tls": "opportunistic",
        "tls_verify": False,
        "ca_path": None,
        "timeout": 10.0,
        "mail_from": None,
        "helo_name": None,
        "max_targets": 16,
        "concurrency": 16,
    }
    assert params["change_window"] is None
    assert params["site"] == "cn" and params["api_timeout"] == 30 and params["api_retries"] == 5
    assert params["staged_first_save"] is True and params["allow_private_addresses"] is False
    assert params["enabled"] is None and params["state"] == "present"


def test_environment_fills_connection_options(monkeypatch):
    monkeypatch.setenv("ALIMAIL_API_URL", "http://127.0.0.1:8080")
    monkeypatch.setenv("ALIMAIL_SITE", "hk")
    monkeypatch.setenv("ALIMAIL_CLIENT_ID", "env-id")
    monkeypatch.setenv("ALIMAIL_CLIENT_SECRET", "env-secret")
    params = _params({"domain": "example.com"})
    assert params["api_url"] == "http://127.0.0.1:8080"
    assert (params["site"], params["client_id"], params["client_secret"]) == (
        "hk",
        "env-id",
        "env-secret",
    )
    assert _params({"domain": "example.com", "site": "us"})["site"] == "us", "options win"


def test_change_window_defaults_when_given(monkeypatch):
    params = _params({"domain": "example.com", "change_window": {"start": "22:00", "end": "05:00"}})
    assert params["change_window"] == {
        "start": "22:00",
        "end": "05:00",
        "timezone": "UTC",
        "weekdays": None,
        "enforce": True,
    }


def test_receiving_defaults(monkeypatch):
    params = _params({"domain": "example.com"}, kind="receiving")
    assert params["allow_broad_egress"] is False
    assert params["ingress_addresses"] is None and params["egress_addresses"] is None
