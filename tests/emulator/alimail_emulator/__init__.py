# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Local stand-ins for the Alibaba Mail admin API and for customers' SMTP gateways.

Test tooling only; never shipped in the collection. Everything listens on loopback, and the
API's test endpoint connects to loopback addresses only.
"""

from __future__ import annotations

__version__ = "0.1.0"
