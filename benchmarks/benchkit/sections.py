# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The measurements of the benchmark, in the order run.py takes them.

Every emulator and listener process is started in a with block, so it is stopped whatever
happens. Problems (wrong verdicts, unexpected requests) are collected in results["problems"]:
they mean the benchmark is broken; timings are only recorded.
"""

from __future__ import annotations

import time
from pathlib import Path

from alimail_emulator.harness import Emulators

from benchkit import breakdown, calls, fanout, fleet, imports
from benchkit.ansible_runs import COLLECTION, Ansible, check_verdict
from benchkit.listeners import Listeners

COLLECTION_PLAYBOOK = "collection_gateways.yml"
URI_PLAYBOOK = "uri_gateways.yml"


def run_all(settings, ansible: Ansible, python: Path, collections: Path, work: Path, results):
    problems = results["problems"]
    growth = results.setdefault("growth", {})
    spent = results.setdefault("durations", {})
    compare_size = settings["compare"]
    for size in sorted({compare_size, settings["change"], *settings["growth"]}):
        started = time.monotonic()
        with _fleet(work, size) as (emulators, names):
            if size == compare_size:
                compared = compare(settings, ansible, emulators, names, work, problems)
                results["compare"] = compared
                growth[size] = {
                    "wall": compared["collection"],
                    "cpu": compared["cpu"]["collection"],
                }
                results["floor"] = floor(settings, ansible, emulators, names, work, problems)
                results["paths"] = import_paths(
                    python, collections, emulators, names[0], work, problems
                )
            elif size in settings["growth"]:
                runs = settings["growth_runs"].get(size, settings["runs"])
                growth[size] = no_change_runs(ansible, emulators, names, work, runs, problems)
            if size == settings["change"]:
                results["change"] = change(ansible, emulators, names, work, problems)
        spent[f"{size} domains"] = time.monotonic() - started
    started = time.monotonic()
    results["probe"] = probe(settings["probe"], ansible, collections, work, problems)
    spent["probe fan-out"] = time.monotonic() - started
    started = time.monotonic()
    results["startup"] = startup(settings["import_runs"], python, collections, work)
    spent["module start-up"] = time.monotonic() - started


class _fleet:
    """An emulator whose organisation owns `size` domains, every gateway seeded at "base"."""

    def __init__(self, work: Path, size: int):
        self.names = fleet.domains(size)
        # HTTPS, as every real api_url is: both playbooks pay for TLS as users do.
        self.emulators = Emulators(
            work / f"emulators-{size}", config=fleet.emulator_config(self.names), tls=True
        )

    def __enter__(self):
        self.emulators.start()
        try:
            fleet.seed(self.emulators, self.names)
        except BaseException:
            self.emulators.stop()
            raise
        return self.emulators, self.names

    def __exit__(self, *exc_info):
        self.emulators.stop()


def _inventory(work: Path, emulators, names, revision: str) -> Path:
    path = work / "inventories" / f"{len(names)}-{revision}.json"
    return fleet.write_inventory(path, names, emulators.smtp_ports, revision)


def _timed(ansible, emulators, names, inventory, playbook, label, *, change, problems) -> dict:
    """One playbook run over the fleet: wall time, request totals, and its checks."""
    emulators.clear_requests()
    run = ansible.run(playbook, inventory, emulators.env, label=label)
    entries = emulators.requests()
    # The collection may take one token per module run; the uri playbook takes one in all.
    max_tokens = 2 * len(names) if playbook == COLLECTION_PLAYBOOK else 1
    if playbook != "empty.yml":
        problems += check_verdict(run, len(names), changed=change)
        found = calls.problems(entries, names, change=change, max_tokens=max_tokens)
        problems += [f"{label}: {text}" for text in found]
    return {"wall": run.wall, "cpu": run.cpu, "calls": calls.totals(entries)}


def compare(settings, ansible, emulators, names, work, problems) -> dict:
    """Section 1 and the no-change half of 3: the collection against the uri playbook."""
    inventory = _inventory(work, emulators, names, "base")
    walls = {"collection": [], "uri": [], "empty": []}
    cpus = {"collection": [], "uri": [], "empty": []}
    totals = {}
    for round_number in range(settings["runs"]):
        # Alternate which goes first, so a drift of the machine's load hits both alike.
        order = [("collection", COLLECTION_PLAYBOOK), ("uri", URI_PLAYBOOK)]
        if round_number % 2:
            order.reverse()
        for key, playbook in [*order, ("empty", "empty.yml")]:
            label = f"{key}-{len(names)}-no-change-{round_number + 1}"
            done = _timed(
                ansible,
                emulators,
                names,
                inventory,
                playbook,
                label,
                change=False,
                problems=problems,
            )
            walls[key].append(done["wall"])
            cpus[key].append(done["cpu"])
            totals[key] = done["calls"]
    return {"size": len(names), **walls, "cpu": cpus, "calls": totals}


def change(ansible, emulators, names, work, problems) -> dict:
    """The change half of section 3: both playbooks from the seeded state to revision "change"."""
    inventory = _inventory(work, emulators, names, "change")
    result = {}
    for key, playbook in (("collection", COLLECTION_PLAYBOOK), ("uri", URI_PLAYBOOK)):
        fleet.seed(emulators, names, "base")
        done = _timed(
            ansible,
            emulators,
            names,
            inventory,
            playbook,
            f"{key}-{len(names)}-change",
            change=True,
            problems=problems,
        )
        found = fleet.state_mismatches(emulators.state(), names, emulators.smtp_ports, "change")
        problems += [f"{key} change run left {text}" for text in found[:10]]
        result[key] = {"wall": done["wall"], "cpu": done["cpu"], "calls": done["calls"]}
    fleet.seed(emulators, names, "base")
    return {"size": len(names), **result}


def no_change_runs(ansible, emulators, names, work, runs, problems) -> dict:
    inventory = _inventory(work, emulators, names, "base")
    walls, cpus = [], []
    for number in range(runs):
        label = f"collection-{len(names)}-no-change-{number + 1}"
        done = _timed(
            ansible,
            emulators,
            names,
            inventory,
            COLLECTION_PLAYBOOK,
            label,
            change=False,
            problems=problems,
        )
        walls.append(done["wall"])
        cpus.append(done["cpu"])
    return {"wall": walls, "cpu": cpus}


def _floor_times(ansible, emulators, inventory, label, runs, pairs, env, problems) -> dict:
    times = {"ping": [], "send": [], "ping_first": [], "send_first": []}
    for number in range(runs):
        run = ansible.run(
            "floor.yml",
            inventory,
            emulators.env,
            label=f"{label}-{number + 1}",
            args=("-e", f"bench_floor_pairs={pairs}"),
            extra_env=env,
        )
        problems += check_verdict(run, 1, changed=False)
        for key, action in (
            ("ping", "ansible.builtin.ping"),
            ("send", "alimail.gateways.mail_send_gateway"),
        ):
            found = run.task_times(action)
            if len(found) != pairs:
                problems.append(f"{label}: {len(found)} timed {action} tasks, expected {pairs}")
                continue
            times[f"{key}_first"].append(found[0])
            times[key] += found[1:]
    return times


def floor(settings, ansible, emulators, names, work, problems) -> dict:
    """Section 2: one no-change gateway task against one ping task on one host."""
    inventory = _inventory(work, emulators, names[:1], "base")
    # As `make` runs it: no bytecode is written anywhere.
    result = _floor_times(
        ansible,
        emulators,
        inventory,
        "floor",
        settings["floor_runs"],
        settings["floor_pairs"],
        {"PYTHONDONTWRITEBYTECODE": "1"},
        problems,
    )
    result["breakdown"] = _breakdown(settings, ansible, emulators, inventory, work, problems)
    if settings["bytecode_runs"]:
        # The same with bytecode written (to a cache of this run): does the Makefile's
        # PYTHONDONTWRITEBYTECODE=1 distort the module timings? The first run fills the cache.
        env = {"PYTHONDONTWRITEBYTECODE": None, "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        _floor_times(ansible, emulators, inventory, "floor-bytecode-warm", 1, 1, env, problems)
        result["bytecode"] = _floor_times(
            ansible,
            emulators,
            inventory,
            "floor-bytecode",
            settings["bytecode_runs"],
            settings["floor_pairs"],
            env,
            problems,
        )
    return result


def _breakdown(settings, ansible, emulators, inventory, work, problems) -> dict | None:
    """The module processes of one ping and one gateway task, run again and again."""
    kept = work / "kept-payloads"
    env = {"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": str(kept)}
    _floor_times(ansible, emulators, inventory, "floor-keep", 1, 1, env, problems)
    payloads = breakdown.kept_payloads(kept)
    if set(payloads) != {"ping", "mail_send_gateway"}:
        problems.append(f"kept AnsiballZ payloads: found {sorted(payloads)}")
        return None
    tmp = work / "tmp"
    tmp.mkdir(exist_ok=True)
    run_env = ansible.env(emulators.env, {"PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(tmp)})
    return breakdown.measure(ansible.bin / "python", payloads, run_env, settings["breakdown_runs"])


def _path_cases(emulators, domain: str) -> list[dict]:
    """Module runs whose imports show what each path needs, and what it must not import."""
    ports = emulators.smtp_ports
    base = fleet.desired(domain, ports, "base")
    connection = {
        "api_url": emulators.api_url,
        "client_id": emulators.client_id,
        "client_secret": emulators.client_secret,
        "ca_path": emulators.ca_path,
    }
    sending = {
        **connection,
        "domain": domain,
        **base["sending"],
        "allow_private_addresses": True,
    }
    receiving = {
        **connection,
        "domain": domain,
        **base["receiving"],
        "allow_private_addresses": True,
    }
    window = {"start": "00:00", "end": "23:59", "timezone": "Europe/Berlin"}
    moved = {
        **sending,
        "addresses": [f"127.0.0.1:{ports['accept_b']}"],
        "_ansible_check_mode": True,
    }
    probe_args = {
        "domain": domain,
        "addresses": base["sending"]["addresses"],
        "verification_email": base["sending"]["verification_email"],
        "allow_private_addresses": True,
        "probe": {"helo_name": "bench-controller.example"},
        "_ansible_check_mode": True,
    }
    return [
        {
            "path": "mail_send_gateway, no change",
            "module": "mail_send_gateway",
            "args": sending,
            "needs": ("netaddr", "ssl", "http.client"),
        },
        {
            "path": "mail_receive_gateway, no change",
            "module": "mail_receive_gateway",
            "args": receiving,
            "needs": ("netaddr", "ssl", "http.client"),
        },
        {
            "path": "mail_gateway_info, one domain",
            "module": "mail_gateway_info",
            "args": {**connection, "domain": domain},
            "needs": ("netaddr", "ssl", "http.client"),
        },
        {
            "path": "mail_send_gateway, no change, change window in Europe/Berlin",
            "module": "mail_send_gateway",
            "args": {**sending, "change_window": window},
            "needs": ("netaddr", "ssl", "zoneinfo", "http.client"),
        },
        {
            "path": "mail_send_gateway, new address in check mode (probe runs)",
            "module": "mail_send_gateway",
            "args": moved,
            "needs": ("netaddr", "ssl", "smtplib", "http.client"),
            "changes": True,
        },
        {
            "path": "mail_gateway_probe, check mode",
            "module": "mail_gateway_probe",
            "args": probe_args,
            "needs": ("netaddr", "ssl", "smtplib"),
        },
        {
            "path": "mail_gateway_probe, check mode, probe.tls disabled",
            "module": "mail_gateway_probe",
            "args": {**probe_args, "probe": {**probe_args["probe"], "tls": "disabled"}},
            "needs": ("netaddr", "smtplib"),
            "stdlib": {"ssl": "smtplib imports ssl at its top, whatever the TLS mode"},
        },
        {
            # Only a loopback emulator is plain HTTP; the module warns for any other host.
            "path": "mail_send_gateway, plain http API (closed port, fails)",
            "module": "mail_send_gateway",
            "args": {**sending, "api_url": "http://127.0.0.1:9", "api_retries": 1},
            "needs": ("netaddr", "http.client"),
            "stdlib": {"ssl": "http.client imports ssl at its top, whatever the URL"},
            "fails": True,
        },
    ]


def import_paths(python, collections, emulators, domain, work, problems) -> list[dict]:
    """Section 5, second half: the heavy imports of each path, against what it needs."""
    modules = collections / COLLECTION / "plugins" / "modules"
    rows = []
    for number, case in enumerate(_path_cases(emulators, domain)):
        module_file = modules / f"{case['module']}.py"
        if not module_file.is_file():
            rows.append({**case, "heavy": None, "missing": True})
            continue
        args_file = work / "module-args" / f"{number}-{case['module']}.json"
        done = imports.runtime(python, collections, module_file, case["args"], args_file)
        failed = bool(done["result"].get("failed"))
        changed = bool(done["result"].get("changed"))
        if failed != bool(case.get("fails")) or changed != bool(case.get("changes")):
            problems.append(f"import path {case['path']}: unexpected result {done['result']}"[:600])
        heavy, needs = set(done["heavy"]), set(case["needs"])
        verdict = "yes" if heavy == needs else "no"
        # Beyond what the path needs, only what the standard library itself pulls in.
        if needs <= heavy and heavy - needs <= set(case.get("stdlib", {})) and heavy != needs:
            verdict = "stdlib"
        rows.append({**case, "heavy": done["heavy"], "verdict": verdict})
    return rows


def _probe_inventory(work: Path, sizes: dict, port: int) -> Path:
    many, most = sizes["many"], sizes["most"]
    host = {
        "bench_probe_port": port,
        "bench_probe_one": ["127.0.10.1"],
        "bench_probe_many": [f"127.0.10.1-127.0.10.{many}"],
        "bench_probe_many_count": many,
        "bench_probe_most": [fanout.most_range(most)],
        "bench_probe_most_count": most,
        "bench_probe_most_concurrency": sizes["most_concurrency"],
    }
    return fanout.write_inventory(work / "inventories" / "probe.json", host)


def probe(sizes, ansible, collections, work, problems) -> dict:
    """Section 4: the probe's fan-out at the layer and through mail_gateway_probe."""
    ranges = [f"127.0.10.1-127.0.10.{sizes['many']}", fanout.most_range(sizes["most"])]
    result = {"sizes": sizes, "delay": fanout.DELAY}
    with Listeners(ranges, fanout.DELAY) as listeners:
        result["layer"] = fanout.layer(sizes, collections, listeners.port, problems)
        module = collections / COLLECTION / "plugins" / "modules" / "mail_gateway_probe.py"
        if module.is_file():
            inventory = _probe_inventory(work, sizes, listeners.port)
            times = {"one": [], "many": [], "most": []}
            for number in range(sizes["module_runs"]):
                run = ansible.run("probe_fanout.yml", inventory, {}, label=f"probe-{number + 1}")
                problems += check_verdict(run, 1, changed=False)
                found = run.task_times("alimail.gateways.mail_gateway_probe")
                if len(found) != 4:
                    problems.append(f"probe run: {len(found)} timed probe tasks, expected 4")
                    continue
                for key, value in zip(("one", "many", "most"), found[1:], strict=True):
                    times[key].append(value)
            result["module"] = times
    return result


def startup(runs, python, collections, work) -> dict:
    """Section 5, first half: importing each module, beyond AnsibleModule."""
    modules = sorted(
        path.stem
        for path in (collections / COLLECTION / "plugins" / "modules").glob("*.py")
        if not path.name.startswith("_")
    )
    pycache = work / "pycache-imports"
    result = {}
    for module in modules:
        imports.startup(python, collections, module, pycache)  # fills the bytecode cache
        compiled = [imports.startup(python, collections, module) for number in range(runs)]
        cached = [imports.startup(python, collections, module, pycache) for number in range(runs)]
        result[module] = {
            "compiled_ms": [row["module_ms"] for row in compiled],
            "cached_ms": [row["module_ms"] for row in cached],
            "basic_ms": [row["basic_ms"] for row in compiled],
            "heavy": compiled[0]["heavy"],
            "imported": compiled[0]["imported"],
        }
    return result
