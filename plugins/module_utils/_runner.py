# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared run of the gateway modules: validate, connect, run the flow, report.

Private to this collection; not a public API. The steps live in _settings (validation),
_flow and _proof (requests and probes) and _report (results and the failure mapping).
"""

from __future__ import annotations

from ansible_collections.alimail.gateways.plugins.module_utils import _gateway
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    AlimailError,
    InputError,
)
from ansible_collections.alimail.gateways.plugins.module_utils._flow import GatewayFlow
from ansible_collections.alimail.gateways.plugins.module_utils._report import Report
from ansible_collections.alimail.gateways.plugins.module_utils._settings import (
    Connection,
    domain_from_params,
    gateway_inputs,
)


def open_client(connection: Connection):
    """An API client for validated connection settings; no request is sent yet."""
    from ansible_collections.alimail.gateways.plugins.module_utils._api import Client

    return Client(
        connection.base_url,
        connection.client_id,
        connection.client_secret,
        timeout=connection.timeout,
        retries=connection.retries,
        validate_certs=connection.validate_certs,
        ca_path=connection.ca_path,
    )


def run_gateway(module, kind_name: str) -> None:
    """Run a gateway module to its end: exit_json or fail_json, never a return."""
    kind = _gateway.KINDS[kind_name]
    try:
        domain = domain_from_params(module.params)
    except InputError:
        domain = None  # gateway_inputs reports it, in a message that cannot name the domain
    secret = module.params.get("client_secret")
    report = Report(module, kind, domain, secrets=(secret,))
    try:
        inputs = gateway_inputs(kind, module.params, report.warn)
        client = open_client(inputs.connection)
        try:
            GatewayFlow(module, inputs, client, report).run()
        finally:
            client.close()
    except AlimailError as exc:
        report.fail(exc)
    module.exit_json(**report.result(module._diff))
