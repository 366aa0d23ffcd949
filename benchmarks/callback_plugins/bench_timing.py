# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Callback of the benchmarks: when each task and each host's result began and ended.

It writes one JSON file, named by the BENCH_TIMING_OUT environment variable, at the end of the
playbook. Times are time.monotonic() seconds of the controller; a host's task time runs from
v2_runner_on_start (the worker is queued) to its result, so it holds templating, the fork,
the AnsiballZ payload and the module run, as a user's task does.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timing
type: aggregate
short_description: Task and host timings for the alimail.gateways benchmarks
description:
  - Writes the start and end of every task and host result to the JSON file named by the
    E(BENCH_TIMING_OUT) environment variable.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._out = os.environ.get("BENCH_TIMING_OUT")
        self._started = time.monotonic()
        self._tasks = []
        self._by_uuid = {}
        self._host_starts = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        record = {
            "name": task.get_name(),
            "action": task.action,
            "start": time.monotonic(),
            "hosts": {},
        }
        self._tasks.append(record)
        self._by_uuid[task._uuid] = record

    def v2_runner_on_start(self, host, task):
        self._host_starts[(task._uuid, host.get_name())] = time.monotonic()

    def _done(self, result, status):
        now = time.monotonic()
        task, host = result.task, result.host.get_name()
        record = self._by_uuid.get(task._uuid)
        if record is None:
            return
        begun = self._host_starts.get((task._uuid, host), record["start"])
        record["hosts"][host] = {
            "status": status,
            "changed": bool(result.result.get("changed")),
            "start": begun,
            "end": now,
        }

    def v2_runner_on_ok(self, result):
        self._done(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._done(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._done(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        if not self._out:
            return
        summary = {host: stats.summarize(host) for host in sorted(stats.processed)}
        data = {
            "started": self._started,
            "ended": time.monotonic(),
            "tasks": self._tasks,
            "stats": summary,
        }
        with open(self._out, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
