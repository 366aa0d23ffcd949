# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's request log, counted and held against what a run should send.

No-change run: one GET per gateway and no write; change run: one GET and one PUT per gateway,
and a service test only where the flow needs one (the receiving gateways, whose enabled
ingress moves); never a retry or an error status. Tokens: at most one per module run for the
collection (two per domain), one per run for the uri playbook (run_once).
"""

from __future__ import annotations

from collections import Counter

TOKEN_PATH = "/oauth2/v2.0/token"
OK_STATUSES = (200, 201, 204)


def _kind(entry: dict) -> str:
    method, path = entry["method"], entry["path"]
    if path == TOKEN_PATH:
        return "token"
    if path.endswith("/test"):
        return "test"
    return {"GET": "get", "PUT": "put", "DELETE": "delete"}.get(method, "other")


def totals(entries: list[dict]) -> dict:
    """Requests by kind: token, get, put, test, delete, other, and errors (any non-2xx)."""
    counts = Counter(_kind(entry) for entry in entries)
    result = {kind: counts.get(kind, 0) for kind in ("token", "get", "put", "test", "delete")}
    result["other"] = counts.get("other", 0)
    result["errors"] = sum(1 for entry in entries if entry.get("status") not in OK_STATUSES)
    result["total"] = len(entries)
    return result


def _gateway_path(domain: str, kind: str) -> str:
    return f"/v2/domains/{domain}/gateways/{kind}"


def expected(names: list[str], change: bool) -> Counter:
    """(method, path) -> count of the gateway requests a run over the domains should send."""
    want = Counter()
    for domain in names:
        for kind in ("sending", "receiving"):
            path = _gateway_path(domain, kind)
            want["GET", path] = 1
            if change:
                want["PUT", path] = 1
        if change:
            want["POST", _gateway_path(domain, "receiving") + "/test"] = 1
    return want


def problems(entries: list[dict], names: list[str], *, change: bool, max_tokens: int) -> list[str]:
    """What the log shows beyond what the run needs; [] when it is exactly as targeted."""
    found = []
    seen = Counter((e["method"], e["path"]) for e in entries if e["path"] != TOKEN_PATH)
    want = expected(names, change)
    for key in sorted(set(seen) | set(want)):
        if seen[key] != want[key]:
            found.append(f"{key[0]} {key[1]}: {seen[key]} requests, expected {want[key]}")
    tokens = sum(1 for e in entries if e["path"] == TOKEN_PATH)
    if not 1 <= tokens <= max_tokens:
        found.append(f"{tokens} token requests, expected 1 to {max_tokens}")
    for entry in entries:
        if entry.get("status") not in OK_STATUSES:
            found.append(
                f"{entry['method']} {entry['path']} answered {entry.get('status')} "
                f"{entry.get('code') or ''}".rstrip()
            )
    return found[:20]
