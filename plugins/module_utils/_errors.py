# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Exception types shared by every layer of the collection.

Private to this collection; not a public API. Each layer raises one of these and only
``_runner`` turns them into ``fail_json``, so every failure reads in the same voice.
"""

from __future__ import annotations


class AlimailError(Exception):
    """Base class; ``str()`` is the complete, user-facing message."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class InputError(AlimailError):
    """A module option has a value that breaks a rule; raised before any request is sent."""

    def __init__(self, option, value, rule):
        if value is None:
            # A missing value reads better without a quoted None in front of the rule.
            message = f"option {option} {rule}"
        else:
            shown = repr(value)
            if len(shown) > 120:
                shown = shown[:117] + "..."
            message = f"option {option}: {shown} {rule}"
        super().__init__(message, option=option)
        self.option = option
        self.value = value
        self.rule = rule


class ApiError(AlimailError):
    """The API answered with an error, or could not be reached, after any retries."""

    def __init__(
        self, method, path, status=None, code=None, api_message=None, request_id=None, attempts=1
    ):
        parts = [f"{method} {path}"]
        if status is None:
            parts.append(f"failed without a reply ({api_message})")
        else:
            parts.append(f"returned {status} {code or ''}".rstrip())
            if api_message:
                parts.append(f"- {api_message}")
        if attempts > 1:
            parts.append(f"after {attempts} attempts")
        if request_id:
            parts.append(f"(requestId {request_id})")
        super().__init__(" ".join(parts))
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.api_message = api_message
        self.request_id = request_id
        self.attempts = attempts


class AuthenticationError(ApiError):
    """The token endpoint refused the client credentials (401 InvalidClient)."""


class PreconditionFailed(ApiError):
    """412: the gateway changed since it was read (stale ETag)."""


class NotVerified(ApiError):
    """409 GatewayNotVerified: the service refused to enable an untested gateway."""


class ProbeFailed(AlimailError):
    """The SMTP probe or the service test failed where success was required."""


class WindowClosed(AlimailError):
    """A write was needed outside the configured change window."""
