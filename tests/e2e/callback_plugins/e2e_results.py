# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Callback of the e2e suite: every task result of a run, as JSON, in the file E2E_RESULTS names.

ansible-core 2.19 has no JSON stdout callback of its own, and the stdout of a run must stay the
default one, which is what the secrets test reads at -vvvv.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: e2e_results
type: aggregate
short_description: Write each task result to the JSON file named by E2E_RESULTS
description:
  - Test-only callback of the alimail.gateways end-to-end suite.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "e2e_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.results = []
        self.started = {}

    def v2_runner_on_start(self, host, task):
        self.started[(host.get_name(), task.get_name())] = time.time()

    def _add(self, status, result, ignored=False):
        self.results.append(
            {
                "task": result.task.get_name(),
                # Wall-clock times, comparable with the emulator's request log.
                "started": self.started.get((result.host.get_name(), result.task.get_name())),
                "ended": time.time(),
                "action": result.task.action,
                "host": result.host.get_name(),
                "status": status,
                "ignored": ignored,
                "result": result.result,
            }
        )

    def v2_runner_on_ok(self, result):
        self._add("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._add("failed", result, ignored=ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._add("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._add("unreachable", result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("E2E_RESULTS")
        if not path:
            return
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.results, handle, indent=1, default=str, sort_keys=True)
