# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The routes of the REST contract (docs/api.md): token, gateway resources, gateway test."""

from __future__ import annotations

import hmac
import re
from urllib.parse import parse_qs

from alimail_emulator import addresses, gateways, smtp_client
from alimail_emulator.timefmt import rfc3339
from alimail_emulator.wire import Request, Response, error, ok

TOKEN_PATH = "/oauth2/v2.0/token"
_GATEWAY = re.compile(r"^/v2/domains/([^/]+)/gateways/([^/]+)(/test)?$")
_LOOPBACK_ONLY = (
    "not contacted: the emulator connects only to loopback addresses "
    "(127.0.0.0/8 and ::1), and {ip} is not one"
)


def handle(app, req: Request) -> Response:
    if req.path == TOKEN_PATH:
        if req.method != "POST":
            return _not_allowed("POST")
        return issue_token(app, req)
    match = _GATEWAY.match(req.path)
    if not match:
        return error(404, "NotFound", f"no resource at {req.path}")
    organisation = _organisation(app, req)
    if isinstance(organisation, Response):
        return organisation
    domain, kind, test = match.group(1).lower(), match.group(2), match.group(3)
    if not app.config.owns(organisation, domain):
        return error(404, "DomainNotFound", f"domain {domain} is not in this organisation")
    if kind not in gateways.ADDRESS_FIELDS:
        return error(404, "NotFound", f"no gateway kind {kind!r}; it is sending or receiving")
    try:
        if test:
            if req.method != "POST":
                return _not_allowed("POST")
            return test_gateway(app, req, domain, kind)
        if req.method == "GET":
            return get_gateway(app, domain, kind)
        if req.method == "PUT":
            return put_gateway(app, req, domain, kind)
        if req.method == "DELETE":
            return delete_gateway(app, req, domain, kind)
    except gateways.InvalidParameter as exc:
        return error(400, "InvalidParameter", str(exc))
    return _not_allowed("GET, PUT, DELETE")


def _not_allowed(allowed: str) -> Response:
    return error(405, "MethodNotAllowed", f"allowed: {allowed}", {"Allow": allowed})


def issue_token(app, req: Request) -> Response:
    form = parse_qs(req.body.decode("utf-8", errors="replace"), keep_blank_values=True)

    def field(name):
        return form.get(name, [""])[0]

    if field("grant_type") != "client_credentials":
        return error(400, "InvalidParameter", "grant_type: must be client_credentials")
    org = app.config.by_client_id(field("client_id"))
    secret = field("client_secret").encode()
    if org is None or not hmac.compare_digest(org.client_secret.encode(), secret):
        return error(401, "InvalidClient", "the client id or client secret is wrong")
    return ok(
        {
            "access_token": app.tokens.issue(org.id),
            "token_type": "bearer",
            "expires_in": int(app.config.token_lifetime),
        },
        headers={"Cache-Control": "no-store"},
    )


def _organisation(app, req: Request):
    scheme, _space, token = (req.headers.get("Authorization") or "").partition(" ")
    organisation = None
    if scheme.lower() == "bearer" and token.strip():
        organisation = app.tokens.organisation(token.strip())
    if organisation is None:
        return error(
            401,
            "InvalidToken",
            "the access token is missing, unknown or expired; request a new one",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return organisation


def _gateway_not_found(domain: str, kind: str) -> Response:
    return error(404, "GatewayNotFound", f"the {kind} gateway of {domain} is not configured")


def _etag_matches(if_match: str, etag: str) -> bool:
    wanted = etag.strip('"')
    candidates = (c.strip().removeprefix("W/").strip('"') for c in if_match.split(","))
    return wanted in candidates


def _precondition(req: Request, current: dict | None, domain: str, kind: str):
    if_match = req.headers.get("If-Match")
    if current is None:
        if if_match:
            return error(412, "PreconditionFailed", f"the {kind} gateway of {domain} is gone")
        return None
    if not if_match:
        return error(
            428,
            "PreconditionRequired",
            f"the {kind} gateway of {domain} exists; send If-Match with its ETag to change it",
        )
    if not _etag_matches(if_match, current["etag"]):
        return error(
            412,
            "PreconditionFailed",
            f"the {kind} gateway of {domain} changed since it was read (ETag is now "
            f"{current['etag']}); read it again",
        )
    return None


def get_gateway(app, domain: str, kind: str) -> Response:
    current = app.store.get(domain, kind)
    if current is None:
        return _gateway_not_found(domain, kind)
    return ok(gateways.render(kind, current), headers={"ETag": current["etag"]})


def _already_enabled(kind: str, current: dict | None, record: dict) -> bool:
    field = gateways.TESTED_FIELD[kind]
    return bool(
        current and current["enabled"] and addresses.same_entries(current[field], record[field])
    )


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


def put_gateway(app, req: Request, domain: str, kind: str) -> Response:
    record = gateways.validate_body(kind, req.json())
    with app.store.lock:
        current = app.store.get(domain, kind)
        refused = _precondition(req, current, domain, kind)
        if refused:
            return refused
        field = gateways.TESTED_FIELD[kind]
        if (
            record["enabled"]
            and not _already_enabled(kind, current, record)
            and not app.verifications.allows(
                domain, kind, record[field], record["verificationEmail"]
            )
        ):
            return error(
                409,
                "GatewayNotVerified",
                f"the {kind} gateway of {domain} can be enabled only after a successful test "
                f"of an address in {field} with verificationEmail {record['verificationEmail']} "
                f"in the last {_duration(app.config.test_window)}",
            )
        record["updatedAt"] = rfc3339()
        stored = app.store.put(domain, kind, record)
    return ok(gateways.render(kind, stored), headers={"ETag": stored["etag"]})


def delete_gateway(app, req: Request, domain: str, kind: str) -> Response:
    with app.store.lock:
        current = app.store.get(domain, kind)
        if current is None:
            return _gateway_not_found(domain, kind)
        refused = _precondition(req, current, domain, kind)
        if refused:
            return refused
        app.store.delete(domain, kind)
    return Response(204)


def test_gateway(app, req: Request, domain: str, kind: str) -> Response:
    body = req.json()
    if not isinstance(body, dict):
        raise gateways.InvalidParameter("body", "must be a JSON object")
    for name in body:
        if name not in ("address", "verificationEmail"):
            raise gateways.InvalidParameter(name, "is not a field of the gateway test")
    try:
        ip, version, value, port = addresses.parse_single(body.get("address"))
    except addresses.AddressError as exc:
        raise gateways.InvalidParameter("address", str(exc)) from None
    email = gateways.check_email("verificationEmail", body.get("verificationEmail"))
    if not addresses.is_loopback(version, value):
        # Safety: the emulator never sends traffic beyond this machine.
        result = {
            "success": False,
            "stage": "connect",
            "tls": False,
            "message": _LOOPBACK_ONLY.format(ip=ip),
            "elapsedMs": 0,
        }
        return ok(result)
    result = smtp_client.run(ip, port, domain, email, app.config.test_timeout)
    if result["success"]:
        app.verifications.record(
            domain, kind, address=ip, version=version, value=value, port=port, email=email
        )
    return ok(result)
