# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The run of mail_gateway_info: both gateways of each domain, read with one client.

Private to this collection; not a public API. Gateways come back in the shape the gateway
modules return (_gateway.public), or None for a direction never configured.
"""

from __future__ import annotations

from ansible_collections.alimail.gateways.plugins.module_utils import _gateway, _runner
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    AlimailError,
    InputError,
)
from ansible_collections.alimail.gateways.plugins.module_utils._report import clean, fail
from ansible_collections.alimail.gateways.plugins.module_utils._settings import (
    check_domain,
    connection_from_params,
)


def domains_from_params(params: dict) -> list[str]:
    """The domains to read, normalised, in the order given, each once."""
    if params.get("domains") is None:
        return [check_domain("domain", params.get("domain"))]
    domains: list[str] = []
    for value in params["domains"]:
        domain = check_domain("domains", value)
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise InputError("domains", params["domains"], "is empty; give at least one domain")
    return domains


def read_gateways(client, domain: str) -> dict:
    """Both directions of one domain in module terms; None where none was ever configured."""
    gateways = {}
    for name, kind in _gateway.KINDS.items():
        state = _gateway.current_from_api(kind, client.get_gateway(domain, name)[0])
        gateways[name] = None if state is None else _gateway.public(kind, state)
    return gateways


def _context(domains: list[str]) -> str:
    return (
        f"gateways of {domains[0]}" if len(domains) == 1 else f"gateways of {len(domains)} domains"
    )


def run_info(module) -> None:
    """Run mail_gateway_info to its end; a failure keeps the domains read before it."""
    secrets = (module.params.get("client_secret"),)
    context = "gateways"
    gateways: dict = {}
    try:
        domains = domains_from_params(module.params)
        context = _context(domains)
        connection = connection_from_params(
            module.params, lambda text: module.warn(clean(f"{context}: {text}", secrets))
        )
        # One client, so one token for every domain of the run.
        client = _runner.open_client(connection)
        try:
            for domain in domains:
                context = f"gateways of {domain}"
                gateways[domain] = read_gateways(client, domain)
        finally:
            client.close()
    except AlimailError as exc:
        fail(module, context, exc, secrets=secrets, changed=False, gateways=gateways)
    module.exit_json(changed=False, gateways=gateways)
