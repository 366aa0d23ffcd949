# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The probe's fan-out: many gateway addresses whose banners come late, in the time of one.

Measured at the layer (_probe.probe of the collection snapshot, timed around the call, the
way the modules call it) and through mail_gateway_probe (task times from bench_timing). Check
mode throughout: each session ends with RSET after RCPT, so no message is sent.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

from benchkit.listeners import addresses

HELO = "bench-controller.example"
DELAY = 0.2  # seconds each listener waits before its banner
SETTINGS = {
    "verification_email": "gateway-check@d001.bench.example",
    "mail_from": "postmaster@d001.bench.example",
    "helo_name": HELO,
    "tls": "opportunistic",
    "timeout": 10.0,
    "send_data": False,
    "domain": "d001.bench.example",
    "run_id": "bench",
}


def load_probe(collections: Path):
    """The snapshot's _probe module (the code under test, not the working tree's)."""
    if str(collections) not in sys.path:
        sys.path.insert(0, str(collections))
    return importlib.import_module(
        "ansible_collections.alimail.gateways.plugins.module_utils._probe"
    )


def targets(hosts: list[str], port: int) -> list[tuple[str, int]]:
    return [(host, port) for host in hosts]


def timed_probe(probe_module, probe_targets, concurrency: int) -> tuple[float, list[dict]]:
    started = time.monotonic()
    results = probe_module.probe(probe_targets, concurrency=concurrency, **SETTINGS)
    return time.monotonic() - started, results


def failures(results: list[dict], expected: int, delay: float) -> list[str]:
    """A fan-out figure only counts when every target really passed after its late banner."""
    found = []
    if len(results) != expected:
        found.append(f"{len(results)} results, expected {expected}")
    for result in results:
        if not result.get("ok") or result.get("stage") != "done":
            found.append(
                f"{result.get('address')}:{result.get('port')} failed at {result.get('stage')}: "
                f"{result.get('message')}"
            )
        elif result.get("elapsed_ms", 0) < delay * 1000 * 0.9:
            found.append(f"{result['address']} passed in {result['elapsed_ms']} ms: no delay?")
    return found[:10]


def most_range(count: int) -> str:
    """The second range: 127.0.11.0 onwards, `count` addresses (at most 256)."""
    if not 1 <= count <= 256:
        raise ValueError("the second range holds 1 to 256 addresses")
    return f"127.0.11.0-127.0.11.{count - 1}"


def layer(sizes: dict, collections: Path, port: int, problems: list) -> dict:
    """Wall time of _probe.probe for one target, the first range and the second range."""
    probe_module = load_probe(collections)
    one = targets(["127.0.10.1"], port)
    many = targets(addresses(f"127.0.10.1-127.0.10.{sizes['many']}"), port)
    most = targets(addresses(most_range(sizes["most"])), port)
    cases = (
        ("one", one, 1),
        ("many", many, len(many)),
        ("most", most, sizes["most_concurrency"]),
        # The default concurrency of the probe options, for comparison.
        ("many_default", many, 16),
    )
    timed_probe(probe_module, one, 1)  # imports smtplib and ssl once, as a module run would
    times = {key: [] for key, *rest in cases}
    for number in range(sizes["runs"]):
        for key, chosen, concurrency in cases:
            elapsed, results = timed_probe(probe_module, chosen, concurrency)
            found = failures(results, len(chosen), DELAY)
            problems += [f"probe layer {key} run {number + 1}: {text}" for text in found]
            times[key].append(elapsed)
    return times


def write_inventory(path: Path, host_vars: dict) -> Path:
    """One host on the local connection that runs the probe module."""
    inventory = {
        "all": {
            "children": {
                "bench_probe": {
                    "vars": {
                        "ansible_connection": "local",
                        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                    },
                    "hosts": {"probe.bench.example": host_vars},
                }
            }
        }
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(inventory, indent=1) + "\n", encoding="utf-8")
    return path
