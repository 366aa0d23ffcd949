# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The change window: when a real run may write.

Private to this collection; not a public API. zoneinfo is imported on first use.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ansible_collections.alimail.gateways.plugins.module_utils._errors import InputError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {name: index for names in (DAYS, _FULL_DAYS) for index, name in enumerate(names)}
_TITLES = tuple(day.title() for day in DAYS)
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")
_UTC_NAMES = ("UTC", "Etc/UTC")


@dataclass(frozen=True)
class Window:
    """A daily window [start, end) in a time zone, on some weekdays (0 = Monday)."""

    start: datetime.time
    end: datetime.time
    timezone: str
    weekdays: tuple[int, ...]
    enforce: bool


def _time(option: str, value) -> datetime.time:
    match = _HHMM.fullmatch(str(value).strip()) if value is not None else None
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return datetime.time(int(match[1]), int(match[2]))
    rule = "is not a time in HH:MM form (00:00 to 23:59)"
    if value is None:
        rule = "is required in a change window, as a time in HH:MM form"
    elif (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().isdigit()
    ):
        # YAML 1.1 reads an unquoted 22:00 as the base-60 number 1320 (hours 1 to 23 only).
        minutes = int(value)
        if 60 <= minutes < 24 * 60:
            hint = f"{minutes // 60}:{minutes % 60:02d}"
            rule += f"; YAML reads an unquoted {hint} as {minutes}, so quote it: '{hint}'"
    raise InputError(option, value, rule)


def _zone(name: str):
    """The tzinfo of an IANA name; UTC works even without a time zone database."""
    if name in _UTC_NAMES:
        return datetime.UTC
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _timezone(option: str, value) -> str:
    name = "UTC" if value is None else str(value).strip()
    if _zone(name) is None:
        import zoneinfo

        rule = "is not a known IANA time zone (such as Europe/Berlin or UTC)"
        if not zoneinfo.available_timezones():
            rule += "; this controller has no time zone database: install tzdata"
        raise InputError(option, value, rule)
    return name


def _weekdays(option: str, value) -> tuple[int, ...]:
    if value is None:
        return tuple(range(7))
    names = value.split(",") if isinstance(value, str) else list(value)
    days = set()
    for name in names:
        key = str(name).strip().lower()
        if key not in _WEEKDAYS:
            raise InputError(
                option, name, "is not a weekday (mon to sun, or monday to sunday in full)"
            )
        days.add(_WEEKDAYS[key])
    if not days:
        raise InputError(option, value, "is empty; leave weekdays out to mean every day")
    return tuple(sorted(days))


def parse_window(option: str, value: dict | None) -> Window | None:
    """Validate a change_window option; None means no window."""
    if value is None:
        return None
    start = _time(f"{option}.start", value.get("start"))
    end = _time(f"{option}.end", value.get("end"))
    if start == end:
        raise InputError(
            f"{option}.end",
            value.get("end"),
            "is the same as start; a change window needs a start and an end that differ",
        )
    enforce = value.get("enforce")
    return Window(
        start=start,
        end=end,
        timezone=_timezone(f"{option}.timezone", value.get("timezone")),
        weekdays=_weekdays(f"{option}.weekdays", value.get("weekdays")),
        enforce=True if enforce is None else bool(enforce),
    )


def describe(window: Window) -> str:
    """'22:00-05:00 Europe/Berlin mon,tue'."""
    days = "every day" if len(window.weekdays) == 7 else ",".join(DAYS[d] for d in window.weekdays)
    return f"{window.start:%H:%M}-{window.end:%H:%M} {window.timezone} {days}"


def _inside(window: Window, local: datetime.datetime) -> bool:
    now = local.time().replace(tzinfo=None)
    today = local.weekday()
    if window.start < window.end:
        return today in window.weekdays and window.start <= now < window.end
    # Crossing midnight: the early hours belong to the weekday the window started on.
    if now >= window.start:
        return today in window.weekdays
    return now < window.end and (today - 1) % 7 in window.weekdays


def check(window: Window, now: datetime.datetime | None = None) -> tuple[bool, str]:
    """(inside the window?, a sentence naming the window and the time now in its zone).

    A naive now is taken as UTC.
    """
    if now is None:
        now = datetime.datetime.now(datetime.UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=datetime.UTC)
    local = now.astimezone(_zone(window.timezone))
    message = (
        f"change window {describe(window)}; it is now "
        f"{_TITLES[local.weekday()]} {local:%H:%M} in {window.timezone}"
    )
    return _inside(window, local), message
