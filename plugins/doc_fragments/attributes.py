# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Attributes every module of the collection shares; the module documents its own support
    # of check_mode and diff_mode with the GATEWAY fragment or in its own attributes.
    DOCUMENTATION = r"""
attributes:
  action_group:
    description: Use C(group/alimail.gateways.all) in C(module_defaults) to set the connection
      options for every module of the collection at once.
    support: full
    membership:
      - alimail.gateways.all
"""

    # The gateway modules, which write.
    GATEWAY = r"""
attributes:
  check_mode:
    description: Can run in check mode and return the change it would make, without making it.
    support: full
    details:
      - Check mode writes nothing and does not call the service test, which sends mail. The SMTP
        probe runs up to C(RCPT TO) without sending mail, and the task fails where the real run
        would fail.
  diff_mode:
    description: Returns the gateway before and after the change when run with C(--diff).
    support: full
  idempotent:
    description: A second run with the same options changes nothing and makes no write.
    support: full
"""
