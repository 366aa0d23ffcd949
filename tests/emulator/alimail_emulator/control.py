# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test-only endpoints under /_emulator/: not part of the contract, no authentication.

They let tests count requests, inject faults, reset, read and seed state, expire tokens and read
the messages the SMTP listeners accepted.
"""

from __future__ import annotations

import re

from alimail_emulator import faults, gateways
from alimail_emulator.timefmt import rfc3339
from alimail_emulator.wire import Request, Response, error, ok

PREFIX = "/_emulator"
_STATE_ITEM = re.compile(r"^/_emulator/state/([^/]+)/([^/]+)$")


def handle(app, req: Request) -> Response:
    route = (req.method, req.path.rstrip("/") or "/")
    simple = {
        ("GET", f"{PREFIX}/health"): lambda: ok({"ok": True}),
        ("GET", f"{PREFIX}/requests"): lambda: ok({"requests": app.log.entries()}),
        ("DELETE", f"{PREFIX}/requests"): lambda: _done(app.log.clear),
        ("GET", f"{PREFIX}/faults"): lambda: ok({"faults": app.faults.pending()}),
        ("DELETE", f"{PREFIX}/faults"): lambda: _done(app.faults.clear),
        ("POST", f"{PREFIX}/reset"): lambda: _done(app.reset),
        ("GET", f"{PREFIX}/state"): lambda: ok(app.store.snapshot()),
        ("POST", f"{PREFIX}/tokens/expire"): lambda: ok({"expired": app.tokens.expire_all()}),
        ("GET", f"{PREFIX}/messages"): lambda: ok({"messages": app.messages.messages()}),
        ("DELETE", f"{PREFIX}/messages"): lambda: _done(app.messages.clear),
        ("GET", f"{PREFIX}/tests"): lambda: ok({"tests": app.verifications.listing()}),
        ("DELETE", f"{PREFIX}/tests"): lambda: _done(app.verifications.clear),
    }
    if route in simple:
        return simple[route]()
    if route == ("POST", f"{PREFIX}/faults"):
        return add_fault(app, req)
    match = _STATE_ITEM.match(req.path)
    if match and req.method in ("PUT", "DELETE"):
        return state_item(app, req, match.group(1).lower(), match.group(2))
    return error(404, "NotFound", f"no emulator endpoint {req.method} {req.path}")


def _done(action) -> Response:
    action()
    return Response(204)


def add_fault(app, req: Request) -> Response:
    try:
        fault = faults.parse_fault(req.json())
    except (ValueError, TypeError) as exc:
        return error(400, "InvalidParameter", str(exc))
    app.faults.add(fault)
    return ok({"faults": app.faults.pending()}, status=201)


def state_item(app, req: Request, domain: str, kind: str) -> Response:
    """Seed or remove a gateway directly, bypassing ETags and the enable guard."""
    if not app.config.known_domain(domain):
        return error(404, "DomainNotFound", f"domain {domain} is in no configured organisation")
    if kind not in gateways.ADDRESS_FIELDS:
        return error(404, "NotFound", f"no gateway kind {kind!r}; it is sending or receiving")
    if req.method == "DELETE":
        app.store.delete(domain, kind)
        return Response(204)
    try:
        body = req.json()
        record = gateways.validate_body(kind, body)
    except gateways.InvalidParameter as exc:
        return error(400, "InvalidParameter", str(exc))
    record["updatedAt"] = body.get("updatedAt") or rfc3339()
    stored = app.store.put(domain, kind, record)
    return ok(gateways.render(kind, stored), headers={"ETag": stored["etag"]})
