# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Configuration rules, checked in-process (the start-up refusal itself is in the
persistence tests)."""

from __future__ import annotations

import pytest
from alimail_emulator import config


def test_defaults_have_the_demo_organisation_and_a_second_one():
    built = config.build()
    first, second = built.organisations
    assert (first.client_id, first.client_secret) == ("demo", "demo-secret")
    assert first.domains == ("example.com", "example.org")
    assert second.domains and not set(second.domains) & set(first.domains)
    assert built.test_window == 900
    assert built.token_lifetime == 7200
    assert all(spec.host in ("127.0.0.1", "::1") for spec in built.listeners)
    assert all(spec.port == 0 for spec in built.listeners)


def test_overrides_replace_top_level_keys_only():
    built = config.build({"testWindowSeconds": 2})
    assert built.test_window == 2
    assert built.organisations == config.build().organisations


def test_secrets_stay_out_of_reprs():
    built = config.build()
    assert "demo-secret" not in repr(built)
    assert "demo-secret" not in repr(built.organisations)


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"organisations": []}, "organisations"),
        ({"organisations": [{"id": "a", "clientId": "a", "domains": []}]}, "clientSecret"),
        (
            {
                "organisations": [
                    {"id": "a", "clientId": "a", "clientSecret": "s", "domains": ["x.example"]},
                    {"id": "b", "clientId": "b", "clientSecret": "s", "domains": ["x.example"]},
                ]
            },
            "one organisation",
        ),
        ({"tokenLifetimeSeconds": -1}, "tokenLifetimeSeconds"),
        ({"smtp": {"listeners": [{"behaviour": "teapot"}]}}, "behaviour"),
        ({"smtp": {"listeners": [{"behaviour": "accept", "host": "192.0.2.1"}]}}, "loopback"),
        ({"smtp": {"listeners": [{"behaviour": "accept"}, {"behaviour": "accept"}]}}, "unique"),
        ({"smtp": {"listeners": [{"behaviour": "accept", "port": 70000}]}}, "port"),
        ({"gateways": {"unknown.example": {"sending": {}}}}, "not a domain"),
        ({"gateways": {"example.com": {"sending": {"name": "x"}}}}, "gatewayAddress"),
    ],
)
def test_bad_configs_name_the_key(overrides, names):
    with pytest.raises(config.ConfigError, match=names):
        config.build(overrides)
