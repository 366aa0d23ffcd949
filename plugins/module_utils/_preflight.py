# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The run of mail_gateway_probe: the controller's SMTP probe alone, without the API.

Private to this collection; not a public API. The probe is _proof.run_probe, the one the
gateway modules run before they enable a gateway, and the options are checked by the same
rules as theirs (_settings, _gateway).
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.alimail.gateways.plugins.module_utils import _gateway, _proof
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    AlimailError,
    InputError,
    ProbeFailed,
)
from ansible_collections.alimail.gateways.plugins.module_utils._probe import summary
from ansible_collections.alimail.gateways.plugins.module_utils._report import fail, probe_not_run
from ansible_collections.alimail.gateways.plugins.module_utils._settings import (
    ProbeSettings,
    domain_from_params,
    probe_from_params,
)


@dataclass(frozen=True)
class PreflightInputs:
    domain: str | None
    addresses: list
    verification_email: str
    probe: ProbeSettings


def preflight_inputs(params: dict) -> PreflightInputs:
    """Every option validated and normalised; raises InputError before anything is probed."""
    domain = None if params.get("domain") is None else domain_from_params(params)
    probe = params.get("probe") or {}
    if domain is None and not probe.get("mail_from"):
        # A made-up sender (the controller's name) could be refused by the gateway for reasons
        # that have nothing to do with the change, so the sender is always one the user chose.
        raise InputError(
            "probe.mail_from",
            None,
            "is required when domain is not set; set domain to send from postmaster@<domain>, "
            "or set probe.mail_from",
        )
    settings = probe_from_params(probe, domain or "")
    # addresses and verification_email follow the rules of a sending gateway's options.
    desired = _gateway.desired_from_params(_gateway.SENDING, params)
    return PreflightInputs(
        domain=domain,
        addresses=desired["addresses"],
        verification_email=desired["verification_email"],
        probe=settings,
    )


def run_preflight(module) -> None:
    """Run mail_gateway_probe to its end; a failure still returns every target's result."""
    try:
        domain = None if module.params.get("domain") is None else domain_from_params(module.params)
    except InputError:
        domain = None  # preflight_inputs reports it, in a message that cannot name the domain
    context = f"gateway probe for {domain}" if domain else "gateway probe"
    probe = probe_not_run()
    try:
        inputs = preflight_inputs(module.params)
        probe = _proof.run_probe(
            inputs.probe,
            "addresses",
            inputs.addresses,
            verification_email=inputs.verification_email,
            domain=inputs.domain or "",
            check_mode=module.check_mode,
            warn=lambda text: module.warn(f"{context}: {text}"),
        )
        if not probe["ok"]:
            raise ProbeFailed(
                f"{summary(probe['targets'])}; fix the gateway before the change, "
                "probe.targets has the result of every target"
            )
    except AlimailError as exc:
        fail(module, context, exc, changed=False, probe=probe)
    # A real run sends one verification message per target, but changes nothing it manages.
    module.exit_json(changed=False, probe=probe)
