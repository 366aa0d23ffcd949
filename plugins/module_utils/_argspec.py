# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Argument specs shared by the modules, built fresh on every call.

Private to this collection; not a public API. The doc fragments connection, probe and
change_window document exactly these options; keep both in step.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

SITES = ("cn", "sg", "hk", "de", "us")

# Option -> environment variable read when the option is not set.
ENV = {
    "api_url": "ALIMAIL_API_URL",
    "site": "ALIMAIL_SITE",
    "client_id": "ALIMAIL_CLIENT_ID",
    "client_secret": "ALIMAIL_CLIENT_SECRET",
}

# Module options of the gateway address fields, per kind (the names of _gateway.Kind).
ADDRESS_OPTIONS = {
    "sending": ("addresses",),
    "receiving": ("ingress_addresses", "egress_addresses"),
}


def _env(option: str) -> tuple:
    return (env_fallback, [ENV[option]])


def connection_options() -> dict:
    """How to reach and authenticate to the API."""
    return {
        "api_url": {"type": "str", "fallback": _env("api_url")},
        "site": {"type": "str", "choices": list(SITES), "default": "cn", "fallback": _env("site")},
        "client_id": {"type": "str", "fallback": _env("client_id")},
        "client_secret": {"type": "str", "no_log": True, "fallback": _env("client_secret")},
        "validate_certs": {"type": "bool", "default": True},
        "ca_path": {"type": "path"},
        "api_timeout": {"type": "float", "default": 30},
        "api_retries": {"type": "int", "default": 5},
    }


def probe_options() -> dict:
    """The controller-side SMTP probe; defaults apply also when probe is not given."""
    return {
        "probe": {
            "type": "dict",
            "apply_defaults": True,
            "options": {
                "when": {
                    "type": "str",
                    "choices": ["changed", "always", "never"],
                    "default": "changed",
                },
                "port": {"type": "int", "default": 25},
                "tls": {
                    "type": "str",
                    "choices": ["opportunistic", "required", "disabled"],
                    "default": "opportunistic",
                },
                "tls_verify": {"type": "bool", "default": False},
                "ca_path": {"type": "path"},
                "timeout": {"type": "float", "default": 10},
                "mail_from": {"type": "str"},
                "helo_name": {"type": "str"},
                "max_targets": {"type": "int", "default": 16},
                "concurrency": {"type": "int", "default": 16},
            },
        }
    }


def change_window_options() -> dict:
    """When writes are allowed; not set means at any time."""
    return {
        "change_window": {
            "type": "dict",
            "options": {
                "start": {"type": "str", "required": True},
                "end": {"type": "str", "required": True},
                "timezone": {"type": "str", "default": "UTC"},
                "weekdays": {"type": "list", "elements": "str"},
                "enforce": {"type": "bool", "default": True},
            },
        }
    }


def gateway_options(kind_name: str) -> dict:
    """The options of one gateway kind ("sending" or "receiving")."""
    spec = {
        "domain": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "name": {"type": "str"},
        "verification_email": {"type": "str"},
        "enabled": {"type": "bool"},
    }
    for option in ADDRESS_OPTIONS[kind_name]:
        spec[option] = {"type": "list", "elements": "str"}
    spec["allow_private_addresses"] = {"type": "bool", "default": False}
    if kind_name == "receiving":
        spec["allow_broad_egress"] = {"type": "bool", "default": False}
    spec["staged_first_save"] = {"type": "bool", "default": True}
    return spec


def gateway_argument_spec(kind_name: str) -> dict:
    """Everything a gateway module accepts."""
    return {
        **connection_options(),
        **gateway_options(kind_name),
        **probe_options(),
        **change_window_options(),
    }


def info_argument_spec() -> dict:
    """mail_gateway_info: one domain or several (the module makes them exclusive and required)."""
    return {
        **connection_options(),
        "domain": {"type": "str"},
        "domains": {"type": "list", "elements": "str"},
    }


def preflight_argument_spec() -> dict:
    """mail_gateway_probe: the probe alone; the connection options are accepted and unused.

    Group module_defaults hand every option to every member of the group, so a module that
    refused them would fail in any play that sets credentials for the whole collection.
    """
    ignored = {
        name: {key: value for key, value in spec.items() if key != "fallback"}
        for name, spec in connection_options().items()
    }
    return {
        **ignored,
        "addresses": {"type": "list", "elements": "str", "required": True},
        "verification_email": {"type": "str", "required": True},
        "domain": {"type": "str"},
        "allow_private_addresses": {"type": "bool", "default": False},
        **probe_options(),
    }
