# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One gateway module run: read, plan, prove, write.

Private to this collection; not a public API. Inputs arrive validated (see _settings); this
file decides and sends requests, and leaves every failure message to _report.
"""

from __future__ import annotations

from ansible_collections.alimail.gateways.plugins.module_utils import (
    _addresses,
    _gateway,
    _proof,
)
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    ApiError,
    PreconditionFailed,
    WindowClosed,
)


def _stale(exc: ApiError) -> bool:
    # 428 comes back when the gateway was created by someone else after the read (no ETag then).
    return isinstance(exc, PreconditionFailed) or exc.status == 428


class GatewayFlow:
    def __init__(self, module, inputs, client, report):
        self.check_mode = module.check_mode
        self.inputs = inputs
        self.kind = inputs.kind
        self.client = client
        self.report = report

    def run(self) -> None:
        current, etag = self._read()
        self.report.read(current)
        if self.inputs.state == "absent":
            self._absent(current, etag)
        else:
            self._present(current, etag)

    def _read(self) -> tuple[dict | None, str | None]:
        body, etag = self.client.get_gateway(self.inputs.domain, self.kind.name)
        return _gateway.current_from_api(self.kind, body), etag

    def _check_window(self) -> None:
        window = self.inputs.window
        if window is None:
            return
        # Imported here: a task without a change window does not compile or load it.
        from ansible_collections.alimail.gateways.plugins.module_utils import _window

        inside, text = _window.check(window)
        if inside:
            return
        if not window.enforce:
            self.report.warn(
                f"outside the {text}; change_window.enforce is false, so it goes ahead"
            )
        elif self.check_mode:
            self.report.warn(f"outside the {text}; the real run would fail before writing")
        else:
            raise WindowClosed(f"a write is needed outside the {text}")

    def _present(self, current: dict | None, etag: str | None) -> None:
        kind, inputs, report = self.kind, self.inputs, self.report
        result = _gateway.merge(kind, current, inputs.desired, inputs.domain)
        changes = _gateway.differs(kind, current, result)
        proof = _proof.needs_proof(kind, current, result, changes)
        if proof and inputs.probe.when == "never":
            raise _proof.refuse_unprobed(kind, current)
        if changes:
            # Before the probe: a real probe sends mail, which the window is meant to hold back.
            self._check_window()
        if _proof.due(inputs.probe.when, kind, current, result, changes):
            _proof.controller_probe(
                inputs, result, check_mode=self.check_mode, proof=proof, report=report
            )
        if not changes:
            return
        steps = self._steps(current, result)
        report.saves = [_gateway.public(kind, step) for step in steps]
        if self.check_mode:
            report.predict(result)
            return
        if proof:
            _proof.service_test(self.client, inputs, result, report)
        self._save(steps, result, etag, proof)

    def _steps(self, current: dict | None, result: dict) -> list[dict]:
        """The saves to make: the first address alone first when a multi-address gateway is new."""
        option = self.kind.probe_option
        entries = result[option]
        if current is not None or not self.inputs.staged_first_save:
            return [result]
        if sum(entry.size for entry in entries) <= 1:
            return [result]
        return [{**result, option: [_addresses.first_single(entries)]}, result]

    def _put_all(self, steps: list[dict], etag, done: list[dict]) -> None:
        kind, domain = self.kind, self.inputs.domain
        for step in steps:
            stored, etag = self.client.put_gateway(
                domain, kind.name, _gateway.to_api(kind, step), etag
            )
            done.append(step)
            self.report.wrote(_gateway.current_from_api(kind, stored))

    def _save(self, steps: list[dict], planned: dict, etag, proven: bool) -> None:
        """Save the steps; after a 412, read again and apply the change on top, once."""
        kind, report = self.kind, self.report
        done: list[dict] = []
        try:
            self._put_all(steps, etag, done)
            return
        except ApiError as exc:
            if not _stale(exc):
                raise
            stale = exc
        current, etag = self._read()
        flying = steps[len(done)]
        if current is not None and not _gateway.differs(kind, current, flying):
            # The save landed and only its reply was lost (the retry then met 412).
            done.append(flying)
            report.wrote(current)
        rebased = self._rebase(stale, current, planned, proven)
        if rebased is None:
            report.changed, report.state = True, current
            return
        again = self._steps(current, rebased)
        report.saves = [_gateway.public(kind, step) for step in done + again]
        self._put_all(again, etag, done)

    def _rebase(self, stale: ApiError, current: dict | None, planned: dict, proven: bool):
        """The desired options over the state read after a 412; None when nothing is left to do.

        Raises the 412 again when the gateway was removed meanwhile, or when the save would now
        need a proof that this run did not make.
        """
        kind = self.kind
        if current is None and self.report.before is not None:
            raise stale
        rebased = _gateway.merge(kind, current, self.inputs.desired, self.inputs.domain)
        changes = _gateway.differs(kind, current, rebased)
        if not changes:
            return None
        if _proof.needs_proof(kind, current, rebased, changes):
            moved = _gateway.differs(kind, planned, rebased)
            if not proven or _proof.touches_mail_path(kind, moved):
                raise stale
        return rebased

    def _absent(self, current: dict | None, etag: str | None) -> None:
        if current is None:
            return
        self._check_window()
        if self.check_mode:
            self.report.predict(None)
            return
        domain, name = self.inputs.domain, self.kind.name
        try:
            self.client.delete_gateway(domain, name, etag)
        except ApiError as exc:
            if not _stale(exc):
                raise
            # Absent is asked for whatever changed meanwhile; gone already is just as good.
            again, etag = self._read()
            if again is not None:
                self.client.delete_gateway(domain, name, etag)
        self.report.wrote(None)
