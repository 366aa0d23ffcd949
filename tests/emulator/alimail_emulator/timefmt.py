# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""RFC 3339 timestamps in UTC, as the API writes them."""

from __future__ import annotations

import datetime


def rfc3339(when: datetime.datetime | None = None, precise: bool = False) -> str:
    when = when or datetime.datetime.now(datetime.UTC)
    when = when.astimezone(datetime.UTC)
    text = when.isoformat(timespec="milliseconds" if precise else "seconds")
    return text.replace("+00:00", "Z")
