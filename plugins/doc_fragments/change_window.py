# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # When writes are allowed; built by _argspec.change_window_options.
    DOCUMENTATION = r"""
options:
  change_window:
    description:
      - The time in which a real run may write. Outside it, a run that needs a write fails before
        it probes or writes, naming the window and the current time in its time zone; check mode
        only warns. A run that finds nothing to change succeeds at any time.
      - Not set means at any time.
    type: dict
    suboptions:
      start:
        description:
          - Start of the window, C(HH:MM), inclusive. Quote it in YAML (V("22:00")).
        type: str
        required: true
      end:
        description:
          - End of the window, C(HH:MM), exclusive. An end before the start crosses midnight;
            the early hours then belong to the weekday the window started on.
        type: str
        required: true
      timezone:
        description:
          - IANA name of the time zone of O(change_window.start) and O(change_window.end), for
            example V(Europe/Berlin) or V(Asia/Shanghai).
        type: str
        default: UTC
      weekdays:
        description:
          - Weekdays on which the window opens, V(mon) to V(sun) (full names work too).
          - Not set means every day.
        type: list
        elements: str
      enforce:
        description:
          - V(false) turns the failure outside the window into a warning.
        type: bool
        default: true
"""
