# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""When the SMTP probe runs, what it must prove before enabling, and the service test.

Private to this collection; not a public API.
"""

from __future__ import annotations

from ansible_collections.alimail.gateways.plugins.module_utils import _addresses
from ansible_collections.alimail.gateways.plugins.module_utils._errors import ProbeFailed


def _enabled(state: dict | None) -> bool:
    return bool(state and state.get("enabled"))


def touches_mail_path(kind, changes: list[str]) -> bool:
    """Whether the change reaches what a probe tests: the probed field or the recipient."""
    return kind.probe_option in changes or "verification_email" in changes


def needs_proof(kind, current: dict | None, result: dict, changes: list[str]) -> bool:
    """An enabled result that is not exactly what is enabled now must be proven first."""
    if not result.get("enabled"):
        return False
    return not _enabled(current) or touches_mail_path(kind, changes)


def due(when: str, kind, current: dict | None, result: dict, changes: list[str]) -> bool:
    if when == "never":
        return False
    if when == "always":
        return True
    being_enabled = bool(result.get("enabled")) and not _enabled(current)
    return being_enabled or touches_mail_path(kind, changes)


def refusal(current: dict | None) -> str:
    """How a refused proof begins: enabling, or moving a gateway that carries mail now."""
    return "cannot change the enabled gateway" if _enabled(current) else "cannot enable it"


def refuse_unprobed(kind, current: dict | None) -> ProbeFailed:
    return ProbeFailed(
        f"{refusal(current)}: that needs a successful probe of {kind.probe_option}, "
        "but probe.when is never; set probe.when=changed, or set enabled=false to save it disabled"
    )


def run_probe(settings, option: str, entries, *, verification_email, domain, check_mode, warn):
    """Probe every target of one address option; the probe return, with ok set.

    Shared by the gateway modules and mail_gateway_probe. A failed target is a result here;
    what a failure means is for the caller to say.
    """
    # Imported here: only runs that probe pay for the SMTP and TLS machinery.
    from ansible_collections.alimail.gateways.plugins.module_utils import _probe

    targets, skipped = _addresses.probe_targets(entries, settings.port, settings.max_targets)
    if skipped:
        covered = "the first host" if len(targets) == 1 else f"the first {len(targets)} hosts"
        warn(
            f"the probe covers {covered} of {option}; {skipped} more "
            "were left out; raise probe.max_targets to probe them all"
        )
    import uuid

    run_id = uuid.uuid4().hex[:12]
    results = _probe.probe(
        targets,
        verification_email=verification_email,
        mail_from=settings.mail_from,
        helo_name=settings.helo_name or _probe.default_helo(),
        tls=settings.tls,
        tls_verify=settings.tls_verify,
        ca_path=settings.ca_path,
        timeout=settings.timeout,
        concurrency=settings.concurrency,
        send_data=not check_mode,
        domain=domain,
        run_id=run_id,
    )
    return {
        "ran": True,
        "ok": all(target["ok"] for target in results),
        "mode": "check" if check_mode else "deliver",
        "run_id": run_id,
        "targets": results,
        "skipped": skipped,
    }


def controller_probe(inputs, result: dict, *, check_mode: bool, proof: bool, report) -> None:
    """Probe every target of the probed field; raise when proof is needed and one fails."""
    from ansible_collections.alimail.gateways.plugins.module_utils import _probe

    option = inputs.kind.probe_option
    report.probe = run_probe(
        inputs.probe,
        option,
        result[option],
        verification_email=result["verification_email"],
        domain=inputs.domain,
        check_mode=check_mode,
        warn=report.warn,
    )
    if report.probe["ok"]:
        return
    summary = _probe.summary(report.probe["targets"])
    if proof:
        raise ProbeFailed(
            f"{refusal(report.before)}: the probe of {option} failed: {summary}; fix the gateway, "
            "or set enabled=false to save it disabled"
        )
    if result.get("enabled"):
        # Nothing new is enabled, but the live gateway itself fails: that is worth a look now.
        report.warn(
            f"the probe of {option} failed: {summary}; the gateway is enabled with these "
            "addresses, so mail through it may be failing now"
        )
    else:
        report.warn(f"the probe of {option} failed: {summary}; the gateway stays disabled")


def _ip_text(entry) -> str:
    """The bare address of a single entry, without its port."""
    if entry.port is None:
        return entry.text
    if entry.version == 6:
        return entry.text[1 : entry.text.index("]")]
    return entry.text.rpartition(":")[0]


def service_test(client, inputs, result: dict, report) -> None:
    """The service's own test of the first address; it sends one real message."""
    first = _addresses.first_single(result[inputs.kind.probe_option])
    address = _addresses.single_text(_ip_text(first), first.port)
    reply = client.test_gateway(
        inputs.domain, inputs.kind.name, address, result["verification_email"]
    )
    report.service_test = {
        "address": address,
        "success": bool(reply.get("success")),
        "stage": reply.get("stage"),
        "tls": reply.get("tls"),
        "message": reply.get("message"),
        "elapsed_ms": reply.get("elapsedMs"),
    }
    if not reply.get("success"):
        raise ProbeFailed(
            f"{refusal(report.before)}: the service test of {address} failed at "
            f"{reply.get('stage') or 'an unknown stage'}: {reply.get('message') or 'no reply'}; "
            "fix the gateway, or set enabled=false to save it disabled"
        )
