# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the module's share of a task goes: its AnsiballZ payload run again and again.

The floor playbook runs once with ANSIBLE_KEEP_REMOTE_FILES=1, which leaves the AnsiballZ
files of ping and mail_send_gateway (arguments included, no secret: the credentials come from
the environment). Each is then run directly: its CPU time (getrusage of the reaped child, the minimum of the runs,
the figure other load disturbs least) and, under -X importtime, the smallest self time of
every import. What the gateway module imports beyond ping is grouped; the rest of the
difference is the run itself (arguments, the trust store, TLS, two requests, the result).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
from pathlib import Path

from benchkit.imports import parse

GROUPS = (
    ("the collection's module_utils (compiled from the zip, then run)", ("ansible_collections",)),
    ("netaddr", ("netaddr",)),
    ("http.client and the email package it imports", ("http", "email")),
    ("ssl", ("ssl", "_ssl")),
)
OTHER = "other standard library"
TRUST_STORE = "import ssl; ssl.create_default_context()"


def kept_payloads(remote_tmp: Path) -> dict:
    found = {}
    for name in ("ping", "mail_send_gateway"):
        matches = sorted(remote_tmp.rglob(f"AnsiballZ_{name}.py"))
        if matches:
            found[name] = matches[-1]
    return found


def cpu_times(python: Path, payload, env: dict, runs: int) -> list[float]:
    """CPU times of running a file (or ["-c", code]) with the environment, one per run."""
    arguments = [str(payload)] if isinstance(payload, Path) else list(payload)
    times = []
    for number in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [str(python), *arguments],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0 or '"failed": true' in done.stdout:
            raise RuntimeError(f"{arguments} run {number + 1} failed: {done.stdout[-300:]}")
        times.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return times


def _importtime(python: Path, payload: Path, env: dict) -> str:
    done = subprocess.run(
        [str(python), "-X", "importtime", str(payload)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.stderr


def import_minimums(python: Path, payload: Path, env: dict, runs: int) -> dict:
    best = {}
    reports = [_importtime(python, payload, env) for number in range(runs)]
    for row in (row for report in reports for row in parse(report)):
        name, self_us = row[0], row[1]
        best[name] = min(best.get(name, self_us), self_us)
    return best


def _group(name: str) -> str:
    for label, prefixes in GROUPS:
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return label
    return OTHER


def measure(python: Path, payloads: dict, env: dict, runs: int) -> dict:
    cpu = {name: cpu_times(python, path, env, runs) for name, path in payloads.items()}
    ping = import_minimums(python, payloads["ping"], env, runs)
    gateway = import_minimums(python, payloads["mail_send_gateway"], env, runs)
    groups = {label: 0.0 for label, prefixes in GROUPS}
    groups[OTHER] = 0.0
    for name, self_us in gateway.items():
        if name not in ping:
            groups[_group(name)] += self_us / 1e6
    # What loading the default trust store costs by itself (SSL_CERT_FILE as in the runs).
    trust = cpu_times(python, ["-c", TRUST_STORE], env, runs)
    bare = cpu_times(python, ["-c", "import ssl"], env, runs)
    return {
        "trust_store": max(min(trust) - min(bare), 0.0),
        "cpu_min": {name: min(values) for name, values in cpu.items()},
        "cpu_median": {name: statistics.median(values) for name, values in cpu.items()},
        "imports": groups,
        "runs": runs,
    }
