# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a gateway module run returns, and the one place that turns errors into failures.

Private to this collection; not a public API. Every message starts with what it is about
("sending gateway of example.com: ...") and ends with what changes the outcome. fail() and
failure_message() serve every module of the collection, not only the gateway modules.
"""

from __future__ import annotations

from ansible_collections.alimail.gateways.plugins.module_utils import _gateway
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    AlimailError,
    ApiError,
    AuthenticationError,
    NotVerified,
    PreconditionFailed,
    WindowClosed,
)

RETRIED = (429, 500, 502, 503, 504)
# The client repeats the service test only after a reply that proves it never ran.
TEST_RETRIED = (429, 503)


def probe_not_run() -> dict:
    return {"ran": False, "ok": None, "mode": None, "run_id": None, "targets": [], "skipped": 0}


class Report:
    """The state of one run as it goes: read, planned, probed, written."""

    def __init__(self, module, kind, domain: str | None, secrets=()):
        self.module = module
        self.kind = kind
        self.context = f"{kind.name} gateway of {domain}" if domain else f"{kind.name} gateway"
        self.secrets = tuple(secret for secret in secrets if secret)
        self.read_done = False
        self.before = None
        self.state = None
        self.changed = False
        self.written = 0
        self.probe = probe_not_run()
        self.service_test = None
        self.saves: list[dict] = []

    def warn(self, text: str) -> None:
        self.module.warn(clean(f"{self.context}: {text}", self.secrets))

    def read(self, current: dict | None) -> None:
        self.read_done = True
        self.before = self.state = current

    def predict(self, state: dict | None) -> None:
        """Check mode: the state the real run would leave."""
        self.changed = True
        self.state = state

    def wrote(self, state: dict | None) -> None:
        self.changed = True
        self.written += 1
        self.state = state

    def _public(self, state: dict | None) -> dict:
        return _gateway.public(self.kind, state)

    def result(self, with_diff: bool) -> dict:
        result = {
            "changed": self.changed,
            "gateway": self._public(self.state),
            "probe": self.probe,
            "service_test": self.service_test,
            "saves": self.saves,
        }
        if with_diff:
            result["diff"] = {
                "before": _configuration(self._public(self.before)),
                "after": _configuration(result["gateway"]),
            }
        return result

    def partial(self) -> dict:
        """What a failed run still reports: the gateway as it now is, the probe, the saves made."""
        partial = {
            "changed": self.written > 0,
            "probe": self.probe,
            "service_test": self.service_test,
            "saves": self.saves,
        }
        if self.read_done:
            partial["gateway"] = self._public(self.state)
        return partial

    def fail(self, exc: AlimailError):
        written = _written(self) if self.read_done else None
        fail(
            self.module, self.context, exc, secrets=self.secrets, written=written, **self.partial()
        )


def _configuration(shown: dict) -> dict:
    # A check-mode plan cannot know the next updatedAt, so a timestamp in the diff is only noise.
    return {key: value for key, value in shown.items() if key != "updated_at"}


def _hint(exc: AlimailError) -> str | None:
    if isinstance(exc, AuthenticationError):
        return "check client_id and client_secret (or ALIMAIL_CLIENT_ID and ALIMAIL_CLIENT_SECRET)"
    if isinstance(exc, NotVerified):
        return (
            "the service enables a gateway only after a successful test of one of its addresses "
            "in the last 15 minutes; fix the gateway, or set enabled=false to save it disabled"
        )
    if isinstance(exc, PreconditionFailed):
        return "the gateway was changed by someone else while this task ran; run the task again"
    if isinstance(exc, WindowClosed):
        return "run the task inside the window, or set change_window.enforce=false"
    if isinstance(exc, ApiError):
        if exc.code == "DomainNotFound":
            return "check domain: it must be a domain of the organisation of client_id"
        if _test_may_have_run(exc):
            return (
                "the service test is not sent again by itself, as it may have run and sent its "
                "message; run the task again once the service answers"
            )
        if exc.status is None:
            return "check api_url (or site), validate_certs, ca_path and api_timeout"
        if exc.status in RETRIED:
            return "the service did not recover within api_retries attempts; try again later"
    return None


def _test_may_have_run(exc: ApiError) -> bool:
    """A failed service test the client did not repeat: it may have sent its message."""
    if exc.method != "POST" or not exc.path.endswith("/test"):
        return False
    if exc.status is None:
        # A refused connection is retried: the test certainly never started.
        return "connection refused" not in (exc.api_message or "")
    return exc.status not in TEST_RETRIED


def _written(report: Report) -> str:
    if report.module.check_mode:
        return "nothing was written (check mode)"
    if report.written == 0:
        return "nothing was written"
    return (
        f"{report.written} of {len(report.saves)} saves were written before this; "
        "the gateway is now as returned in gateway"
    )


def failure_message(context: str, exc: AlimailError, written: str | None = None) -> str:
    """The single mapping from an exception of any layer to a module's failure message.

    context names what the run is about ("sending gateway of example.com"); written says what
    was written before the failure, once a run got that far.
    """
    text = exc.message
    if isinstance(exc, NotVerified):
        # Same voice as a failed probe: both mean the gateway was not proven to accept mail.
        text = f"cannot enable it: the service refused without a recent successful test ({text})"
    parts = [f"{context}: {text}"]
    hint = _hint(exc)
    if hint:
        parts.append(hint)
    if written:
        parts.append(written)
    return "; ".join(parts)


def clean(text: str, secrets=()) -> str:
    """The text with every secret replaced by a marker that still reads well."""
    # AnsibleModule masks no_log values too, but as ********, which hides what was meant.
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<client_secret>")
    return text


def fail(module, context: str, exc: AlimailError, *, secrets=(), written=None, **partial):
    """fail_json for any module of the collection: the message, then whatever partial results."""
    module.fail_json(msg=clean(failure_message(context, exc, written), secrets), **partial)
