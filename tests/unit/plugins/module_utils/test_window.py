# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The change window: parsing and the inside/outside check at fixed times."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from ansible_collections.alimail.gateways.plugins.module_utils._errors import InputError
from ansible_collections.alimail.gateways.plugins.module_utils._window import (
    Window,
    check,
    describe,
    parse_window,
)

UTC = datetime.UTC
needs_tzdata = pytest.mark.skipif(
    "Europe/Berlin" not in zoneinfo.available_timezones(), reason="no time zone database"
)


def at(text):
    """An aware UTC datetime from 'YYYY-MM-DD HH:MM' (2026-01-05 is a Monday)."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def refused(value, fragment):
    with pytest.raises(InputError) as info:
        parse_window("change_window", value)
    assert fragment in str(info.value)
    return str(info.value)


def test_no_window():
    assert parse_window("change_window", None) is None


def test_defaults():
    assert parse_window("change_window", {"start": "09:00", "end": "17:30"}) == Window(
        start=datetime.time(9, 0),
        end=datetime.time(17, 30),
        timezone="UTC",
        weekdays=(0, 1, 2, 3, 4, 5, 6),
        enforce=True,
    )


@needs_tzdata
def test_every_option():
    window = parse_window(
        "change_window",
        {
            "start": "22:00",
            "end": "05:00",
            "timezone": "Europe/Berlin",
            "weekdays": ["FRI", "mon", "Tuesday", "mon"],
            "enforce": False,
        },
    )
    assert window == Window(datetime.time(22), datetime.time(5), "Europe/Berlin", (0, 1, 4), False)
    assert describe(window) == "22:00-05:00 Europe/Berlin mon,tue,fri"


def test_weekdays_as_a_comma_string_and_single_digit_hour():
    window = parse_window("w", {"start": "9:05", "end": "23:59", "weekdays": "sat, sun"})
    assert window.start == datetime.time(9, 5)
    assert window.weekdays == (5, 6)


@pytest.mark.parametrize("value", ["24:00", "12:60", "1200", "12-00", "", "12:00:00", "ab:cd", "7"])
def test_bad_times(value):
    message = refused({"start": value, "end": "05:00"}, "is not a time in HH:MM form")
    assert message.startswith("option change_window.start: ")


def test_missing_end():
    assert refused({"start": "22:00"}, "is required in a change window").startswith(
        "option change_window.end is required"
    )


@pytest.mark.parametrize(("value", "hint"), [(1320, "22:00"), ("1320", "22:00"), (570, "9:30")])
def test_unquoted_yaml_time_gets_a_hint(value, hint):
    # Ansible's YAML loader reads an unquoted 22:00 as the base-60 integer 1320.
    refused(
        {"start": "05:00", "end": value},
        f"YAML reads an unquoted {hint} as {value}, so quote it: '{hint}'",
    )


def test_small_numbers_get_no_yaml_hint():
    assert "YAML" not in refused({"start": "7", "end": "05:00"}, "is not a time")


def test_start_equal_to_end():
    assert refused({"start": "22:00", "end": "22:00"}, "is the same as start") == (
        "option change_window.end: '22:00' is the same as start; a change window needs a start "
        "and an end that differ"
    )


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe", "", "../etc/passwd", "/etc/localtime"])
def test_bad_timezones(zone):
    message = refused({"start": "01:00", "end": "02:00", "timezone": zone}, "is not a known IANA")
    assert message.startswith("option change_window.timezone: ")


@pytest.mark.parametrize(
    ("weekdays", "fragment"),
    [
        (["mon", "funday"], "'funday' is not a weekday (mon to sun, or monday to sunday in full)"),
        (["mo"], "is not a weekday"),
        ([], "[] is empty; leave weekdays out to mean every day"),
        ("", "is not a weekday"),
    ],
)
def test_bad_weekdays(weekdays, fragment):
    message = refused({"start": "01:00", "end": "02:00", "weekdays": weekdays}, fragment)
    assert message.startswith("option change_window.weekdays: ")


def office_hours(**kwargs):
    return parse_window("w", {"start": "09:00", "end": "17:00", **kwargs})


@pytest.mark.parametrize(
    ("now", "inside"),
    [
        ("2026-01-05 08:59", False),
        ("2026-01-05 09:00", True),
        ("2026-01-05 16:59", True),
        ("2026-01-05 17:00", False),
        ("2026-01-05 23:00", False),
    ],
)
def test_same_day_window(now, inside):
    assert check(office_hours(), at(now))[0] is inside


def test_weekdays_limit_a_same_day_window():
    window = office_hours(weekdays=["mon"])
    assert check(window, at("2026-01-05 10:00"))[0] is True
    assert check(window, at("2026-01-06 10:00"))[0] is False


@pytest.mark.parametrize(
    ("now", "inside"),
    [
        ("2026-01-05 21:59", False),  # Monday before the start
        ("2026-01-05 22:00", True),  # Monday night
        ("2026-01-05 23:59", True),
        ("2026-01-06 00:00", True),  # Tuesday's early hours belong to Monday's window
        ("2026-01-06 04:59", True),
        ("2026-01-06 05:00", False),
        ("2026-01-06 22:30", False),  # Tuesday night is not a window day
        ("2026-01-05 03:00", False),  # Monday's early hours belong to Sunday
        ("2026-01-11 23:00", False),  # Sunday night
        ("2026-01-12 01:00", False),  # Monday early, Sunday's window
        ("2026-01-12 23:00", True),  # the next Monday night
    ],
)
def test_window_crossing_midnight_belongs_to_its_start_day(now, inside):
    window = parse_window("w", {"start": "22:00", "end": "05:00", "weekdays": ["mon"]})
    assert check(window, at(now))[0] is inside


def test_sunday_night_window_runs_into_monday():
    window = parse_window("w", {"start": "23:00", "end": "01:00", "weekdays": ["sun"]})
    assert check(window, at("2026-01-12 00:30"))[0] is True
    assert check(window, at("2026-01-05 23:30"))[0] is False


@needs_tzdata
def test_time_zone_and_message():
    window = parse_window(
        "w",
        {"start": "22:00", "end": "05:00", "timezone": "Europe/Berlin", "weekdays": ["mon", "tue"]},
    )
    # 2026-01-07 13:03 UTC is Wednesday 14:03 in Berlin (CET, UTC+1).
    assert check(window, at("2026-01-07 13:03")) == (
        False,
        "change window 22:00-05:00 Europe/Berlin mon,tue; it is now Wed 14:03 in Europe/Berlin",
    )
    # Monday 21:30 UTC is 22:30 in Berlin: inside, though UTC is still before 22:00.
    assert check(window, at("2026-01-05 21:30"))[0] is True
    # Summer time: 20:30 UTC is 22:30 CEST.
    assert check(window, at("2026-07-06 20:30"))[0] is True
    assert check(window, at("2026-07-06 19:30"))[0] is False


@needs_tzdata
def test_now_in_another_zone_is_converted():
    window = parse_window("w", {"start": "09:00", "end": "17:00", "timezone": "Asia/Shanghai"})
    berlin = datetime.datetime(2026, 1, 5, 3, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    inside, message = check(window, berlin)
    assert inside is True
    assert message.endswith("it is now Mon 10:00 in Asia/Shanghai")


def test_naive_now_is_utc_and_every_day_is_spelled_out():
    inside, message = check(office_hours(), datetime.datetime(2026, 1, 5, 12, 0))
    assert inside is True
    assert message == "change window 09:00-17:00 UTC every day; it is now Mon 12:00 in UTC"


def test_default_now_is_the_clock():
    window = parse_window("w", {"start": "00:00", "end": "23:59"})
    inside, message = check(window)
    assert isinstance(inside, bool)
    assert message.startswith("change window 00:00-23:59 UTC every day; it is now ")
