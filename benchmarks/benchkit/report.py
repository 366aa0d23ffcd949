# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The markdown report: machine, a table of targets, each measurement's runs, then the notes.

The notes (profile, what was changed and what it gained, known gaps) are benchmarks/notes.md,
written by hand and appended as they are, so a new run keeps them.
"""

from __future__ import annotations

import statistics
from pathlib import Path

NOTES = Path(__file__).resolve().parents[1] / "notes.md"
TARGET_COMPARE = 0.5
TARGET_FLOOR = 1.5
TARGET_FANOUT = 2.0
TARGET_GROWTH = 1.25


def median(values) -> float | None:
    values = [v for v in values or () if v is not None]
    return statistics.median(values) if values else None


def seconds(value) -> str:
    if value is None:
        return "n/a"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def ratio(top, bottom) -> float | None:
    return top / bottom if top is not None and bottom else None


def verdict(value, limit) -> str:
    if value is None:
        return "not measured"
    return "**met**" if value <= limit else "**missed**"


def _count(number, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def runs(values) -> str:
    return ", ".join(seconds(v) for v in values or ()) or "n/a"


def _machine(results) -> list[str]:
    machine = results.get("machine", {})
    rows = [
        ("CPU", machine.get("cpu")),
        ("Cores", machine.get("cores")),
        ("Memory", machine.get("memory")),
        ("OS", machine.get("os")),
        ("Python", machine.get("python")),
        ("ansible-core", machine.get("ansible_core")),
        ("netaddr", machine.get("netaddr")),
        ("Date", machine.get("date")),
        ("Collection commit", machine.get("commit")),
        ("Load average (1/5/15 min) at start", machine.get("load_start")),
        ("Load average (1/5/15 min) at end", machine.get("load_end")),
        ("Benchmark time", seconds(results.get("elapsed"))),
        (
            "Time per part",
            ", ".join(f"{k} {seconds(v)}" for k, v in results.get("durations", {}).items()),
        ),
    ]
    lines = ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value if value is not None else 'unknown'} |" for key, value in rows]
    return [*lines, ""]


def _compare_rows(results) -> tuple[list[str], list[str]]:
    compare = results.get("compare")
    if not compare:
        return [], []
    size, cpu = compare["size"], compare.get("cpu", {})
    collection, uri, empty = (median(compare[k]) for k in ("collection", "uri", "empty"))
    value = ratio(collection, uri)
    cpu_value = ratio(median(cpu.get("collection")), median(cpu.get("uri")))
    summary = [
        f"| 1 | No-change run over {size} domains, collection / uri playbook (wall) | "
        f"{seconds(collection)} / {seconds(uri)} = {value:.2f} (CPU: {cpu_value:.2f}) | "
        f"≤ {TARGET_COMPARE} | {verdict(value, TARGET_COMPARE)} |"
        if value is not None and cpu_value is not None
        else "| 1 | No-change run | n/a | | not measured |"
    ]
    net = None
    if collection and uri and empty and uri > empty:
        net = (collection - empty) / (uri - empty)
    detail = [
        f"## 1. No-change run over {size} domains",
        "",
        f"Inventory of {size} hosts with `ansible_connection: local`, default forks (5); each "
        "domain has a sending and a receiving gateway seeded in the emulator, equal to the "
        "desired state. *Wall*: the time of the `ansible-playbook` process; *CPU*: the user "
        "and system time of it and of every worker and module process it reaped (os.wait4), "
        "which other load on the machine disturbs less. Runs alternate between the playbooks.",
        "",
        "| Playbook | Wall, median | CPU, median | Wall of each run |",
        "|---|---|---|---|",
        f"| benchmarks/playbooks/collection_gateways.yml (2 module tasks per domain) | "
        f"{seconds(collection)} | {seconds(median(cpu.get('collection')))} | "
        f"{runs(compare['collection'])} |",
        f"| benchmarks/playbooks/uri_gateways.yml (a token once, 2 GET, compare, 2 SMTP checks; "
        f"tests and PUTs skipped) | {seconds(uri)} | {seconds(median(cpu.get('uri')))} | "
        f"{runs(compare['uri'])} |",
        f"| benchmarks/playbooks/empty.yml (Ansible's start with this inventory) | "
        f"{seconds(empty)} | {seconds(median(cpu.get('empty')))} | {runs(compare['empty'])} |",
        "",
    ]
    if value is not None:
        detail.append(
            f"Ratio collection / uri: **{value:.2f}** wall, {cpu_value:.2f} CPU"
            + (
                f"; {net:.2f} without Ansible's start (the empty playbook's wall time)."
                if net
                else "."
            )
        )
    return summary, [*detail, ""]


def _calls_text(totals: dict) -> str:
    parts = [f"{totals.get(k, 0)} {k}" for k in ("token", "get", "put", "test", "delete")]
    extra = f", {totals['errors']} errors" if totals.get("errors") else ""
    return ", ".join(parts) + extra


def _calls_rows(results) -> tuple[list[str], list[str]]:
    compare, change = results.get("compare"), results.get("change")
    if not compare or not change:
        return [], []
    size, changed = compare["size"], change.get("size", compare["size"])
    broken = any("requests" in p or "token" in p or "answered" in p for p in results["problems"])
    state = "**missed**" if broken else "**met**"
    summary = [
        f"| 3 | API calls, no-change run over {size} domains (collection) | "
        f"{_calls_text(compare['calls'].get('collection', {}))} | one GET per gateway "
        f"({2 * size}), ≤ one token per module run ({2 * size}), nothing else | {state} |",
        f"| 3 | API calls, change run over {changed} domains (collection) | "
        f"{_calls_text(change['collection']['calls'])} | one GET and one PUT per gateway "
        f"({2 * changed} each), one service test per moved enabled gateway ({changed}), "
        f"≤ one token per module run | {state} |",
    ]
    detail = [
        "## 3. API calls (emulator request log)",
        "",
        f"Counted in `/_emulator/requests` around each run; no-change runs over {size} "
        f"domains, change runs over {changed}. The change run moves every "
        "domain from the seeded state to revision `change` of benchmarks/benchkit/fleet.py: "
        "each sending gateway gets a new name (a write, no proof needed), each enabled "
        "receiving gateway a new ingress address (controller probe, service test, write).",
        "",
        "| Run | Requests | Wall (one run) |",
        "|---|---|---|",
        f"| collection, no change, {size} domains | "
        f"{_calls_text(compare['calls'].get('collection', {}))} | "
        f"{seconds(median(compare['collection']))} (median) |",
        f"| uri playbook, no change, {size} domains | "
        f"{_calls_text(compare['calls'].get('uri', {}))} | "
        f"{seconds(median(compare['uri']))} (median) |",
        f"| collection, change, {changed} domains | {_calls_text(change['collection']['calls'])} | "
        f"{seconds(change['collection']['wall'])} |",
        f"| uri playbook, change, {changed} domains | {_calls_text(change['uri']['calls'])} | "
        f"{seconds(change['uri']['wall'])} |",
        "",
        "Both change runs leave the emulator in the same state (checked field by field, address "
        "fields as sets). No request was retried or answered with an error.",
        "",
    ]
    return summary, detail


def _floor_rows(results) -> tuple[list[str], list[str]]:
    floor = results.get("floor")
    if not floor:
        return [], []
    send, ping = median(floor["send"]), median(floor["ping"])
    value = ratio(send, ping)
    pairs = results["settings"].get("floor_pairs")
    runs_count = results["settings"].get("floor_runs")
    first = ratio(median(floor["send_first"]), median(floor["ping_first"]))
    summary = [
        f"| 2 | Per-task floor, mail_send_gateway (no change) / ansible.builtin.ping | "
        f"{seconds(send)} / {seconds(ping)} = {value:.2f} | ≤ {TARGET_FLOOR} | "
        f"{verdict(value, TARGET_FLOOR)} |"
        if value is not None
        else "| 2 | Per-task floor | n/a | | not measured |"
    ]
    detail = [
        "## 2. Per-task floor",
        "",
        f"benchmarks/playbooks/floor.yml on one host (`connection: local`): {pairs} ping tasks "
        f"and {pairs} no-change mail_send_gateway tasks, alternating. A task's time is measured by the "
        "callback benchmarks/callback_plugins/bench_timing.py, from `v2_runner_on_start` to "
        "the host's result: templating, the fork, the AnsiballZ payload and the module run. "
        "The first task of each module also builds its AnsiballZ payload (Ansible caches it "
        "for the rest of the run), so it is shown apart; the target uses the others, of "
        f"{_count(runs_count, 'run')}.",
        "",
        "| Task | Median | First task (builds the payload) | Samples |",
        "|---|---|---|---|",
        f"| ansible.builtin.ping | {seconds(ping)} | {seconds(median(floor['ping_first']))} | "
        f"{len(floor['ping'])} |",
        f"| alimail.gateways.mail_send_gateway | {seconds(send)} | "
        f"{seconds(median(floor['send_first']))} | {len(floor['send'])} |",
        "",
        f"Ratio: **{value:.2f}** (first tasks: {first:.2f})." if value and first else "",
        "",
    ]
    detail += _breakdown_lines(floor.get("breakdown"))
    bytecode = floor.get("bytecode")
    if bytecode:
        b_send, b_ping = median(bytecode["send"]), median(bytecode["ping"])
        detail += [
            "The same with bytecode written (PYTHONDONTWRITEBYTECODE unset, a warm "
            "PYTHONPYCACHEPREFIX): ping "
            f"{seconds(b_ping)}, mail_send_gateway {seconds(b_send)}, ratio "
            f"{ratio(b_send, b_ping):.2f}.",
            "",
        ]
    return summary, detail


def _breakdown_lines(found) -> list[str]:
    if not found:
        return []
    cpu = found["cpu_min"]
    extra = cpu["mail_send_gateway"] - cpu["ping"]
    imported = sum(found["imports"].values())
    lines = [
        "Where the difference goes (benchmarks/benchkit/breakdown.py): the AnsiballZ payloads of "
        f"one ping and one gateway task, kept and run {found['runs']} times each; CPU time, the "
        "minimum of the runs.",
        "",
        "| Part | CPU |",
        "|---|---|",
        f"| ping module process | {seconds(cpu['ping'])} |",
        f"| mail_send_gateway module process | {seconds(cpu['mail_send_gateway'])} "
        f"(+{seconds(extra)}) |",
    ]
    for label, value in found["imports"].items():
        lines.append(f"| of the difference: importing {label} | {seconds(value)} |")
    trust = found.get("trust_store")
    if trust is not None:
        lines.append(
            "| of the difference: loading the default trust store (`ssl.create_default_context()`"
            f" alone, measured apart) | {seconds(trust)} |"
        )
    rest = extra - imported - (trust or 0.0)
    # Each part is a minimum of its own runs, so on a busy machine they need not add up.
    shown = seconds(rest) if rest >= 0 else "within the noise of the parts above"
    lines.append(
        "| of the difference: the rest of the run (options, TLS handshake, two requests, "
        f"result) | {shown} |"
    )
    return [*lines, ""]


def _probe_rows(results) -> tuple[list[str], list[str]]:
    probe = results.get("probe")
    if not probe or "layer" not in probe:
        return [], []
    sizes, layer = probe["sizes"], probe["layer"]
    one, many, most = (median(layer[k]) for k in ("one", "many", "most"))
    value = ratio(many, one)
    waves = -(-sizes["most"] // sizes["most_concurrency"])
    ideal = ratio(most, one)
    summary = [
        f"| 4 | Probe of {sizes['many']} addresses / one address "
        f"({probe['delay'] * 1000:.0f} ms banner delay each) | {seconds(many)} / {seconds(one)} "
        f"= {value:.2f} | ≤ {TARGET_FANOUT} | {verdict(value, TARGET_FANOUT)} |",
        f"| 4 | Probe of {sizes['most']} addresses at concurrency {sizes['most_concurrency']} | "
        f"{seconds(most)} = {ideal:.2f} x one | none set; {waves} waves of "
        f"{sizes['most_concurrency']} make {waves} x one the ideal | reported |",
    ]
    detail = [
        "## 4. Probe fan-out",
        "",
        f"Slow-banner SMTP listeners (benchmarks/benchkit/listeners.py, its own process): one "
        f"port on 127.0.10.1-{sizes['many']} and on the {sizes['most']} addresses from "
        f"127.0.11.0, each waiting {probe['delay'] * 1000:.0f} ms before its banner. Check mode "
        "(each session ends with RSET after RCPT TO). At the layer: the wall time of "
        "`_probe.probe()` of the collection snapshot; through the module: the task time of "
        "alimail.gateways.mail_gateway_probe (benchmarks/playbooks/probe_fanout.yml).",
        "",
        "| Probe | Layer median | Layer runs | Module task median |",
        "|---|---|---|---|",
    ]
    module = probe.get("module") or {}
    labels = (
        ("one", "1 address"),
        ("many", f"{sizes['many']} addresses, concurrency {sizes['many']}"),
        ("most", f"{sizes['most']} addresses, concurrency {sizes['most_concurrency']}"),
        ("many_default", f"{sizes['many']} addresses, default concurrency 16"),
    )
    for key, label in labels:
        detail.append(
            f"| {label} | {seconds(median(layer.get(key)))} | {runs(layer.get(key))} | "
            f"{seconds(median(module.get(key))) if key in module else 'n/a'} |"
        )
    if module:
        extra = ratio(median(module["many"]), median(module["one"]))
        detail += [
            "",
            f"Through the module the {sizes['many']}-address task takes {extra:.2f} x the "
            "one-address task; the difference is the fan-out, the rest is the module's start.",
        ]
    else:
        detail += ["", "mail_gateway_probe is not in the collection snapshot: layer only."]
    return summary, [*detail, ""]


def _startup_rows(results) -> tuple[list[str], list[str]]:
    startup, paths = results.get("startup"), results.get("paths")
    if not startup and not paths:
        return [], []
    summary, detail = [], ["## 5. Module start-up", ""]
    if startup:
        detail += [
            "`python -X importtime`, importing ansible.module_utils.basic first and then the "
            "module, so the figure is only what the collection adds. *Compiled*: no bytecode "
            "(PYTHONDONTWRITEBYTECODE=1, as under AnsiballZ, whose zip never caches "
            "bytecode); *cached*: the same with warm bytecode, for what compiling costs.",
            "",
            "| Module | Import, compiled | Import, bytecode cached | AnsibleModule itself "
            "(bytecode cached) | Heavy imports at start-up |",
            "|---|---|---|---|---|",
        ]
        for module, row in startup.items():
            heavy = ", ".join(row["heavy"]) or "none"
            detail.append(
                f"| {module} | {seconds(median(row['compiled_ms']) / 1000)} | "
                f"{seconds(median(row['cached_ms']) / 1000)} | "
                f"{seconds(median(row['basic_ms']) / 1000)} | {heavy} |"
            )
        detail.append("")
    if paths:
        measured = [row for row in paths if row.get("heavy") is not None]
        own = sum(1 for row in measured if row["verdict"] in ("yes", "stdlib"))
        forced = [row for row in measured if row["verdict"] == "stdlib"]
        met = bool(measured) and own == len(measured)
        note = f"; on {len(forced)} the standard library pulls in ssl" if forced else ""
        summary.append(
            f"| 5 | Heavy imports (netaddr, ssl, zoneinfo, smtplib, http.client) only on the "
            f"paths that need them | the collection's own imports: {own} of {len(measured)} "
            f"paths{note} | all | {'**met**' if met else '**missed**'} |"
        )
        detail += [
            "What each path imports while it runs: the module file run directly with its "
            "arguments against the emulator, under `-X importtime`.",
            "",
            "| Path | Imported | Needed | As needed |",
            "|---|---|---|---|",
        ]
        for row in paths:
            if row.get("heavy") is None:
                detail.append(f"| {row['path']} | module not in the snapshot | | |")
                continue
            shown = {"yes": "yes", "no": "**no**"}.get(row["verdict"])
            if shown is None:
                shown = "; ".join(f"{name}: {why}" for name, why in row["stdlib"].items())
            detail.append(
                f"| {row['path']} | {', '.join(row['heavy']) or 'none'} | "
                f"{', '.join(row['needs'])} | {shown} |"
            )
        detail.append("")
    return summary, detail


def _growth_rows(results) -> tuple[list[str], list[str]]:
    growth = results.get("growth") or {}
    sizes = sorted(growth)
    if len(sizes) < 2:
        return [], []
    walls = {size: median(growth[size]["wall"]) for size in sizes}
    cpus = {size: median(growth[size]["cpu"]) for size in sizes}
    detail = [
        "## 6. Growth",
        "",
        "The collection's no-change run (as in 1) at each size, each size with its own emulator.",
        "",
        "| Domains | Wall, median | Wall per domain | Marginal wall per domain | CPU per domain | "
        "Runs (wall) |",
        "|---|---|---|---|---|---|",
    ]
    marginals = []
    previous = None
    for size in sizes:
        marginal = None
        if previous is not None and walls[size] and walls[previous]:
            marginal = (walls[size] - walls[previous]) / (size - previous)
            marginals.append(marginal)
        detail.append(
            f"| {size} | {seconds(walls[size])} | {seconds(walls[size] / size)} | "
            f"{seconds(marginal)} | {seconds(cpus[size] / size if cpus[size] else None)} | "
            f"{runs(growth[size]['wall'])} |"
        )
        previous = size
    value = ratio(marginals[-1], marginals[0]) if len(marginals) >= 2 else None
    if value is not None:
        summary = [
            f"| 6 | Growth {sizes[0]}→{sizes[-1]} domains: marginal wall time per domain, last "
            f"step / first step | {seconds(marginals[-1])} / {seconds(marginals[0])} = "
            f"{value:.2f} | ≤ {TARGET_GROWTH} (flat) | {verdict(value, TARGET_GROWTH)} |"
        ]
    else:
        summary = [
            f"| 6 | Growth {sizes[0]}→{sizes[-1]} domains | "
            f"{seconds(marginals[0]) if marginals else 'n/a'} per added domain | "
            "needs three sizes | not judged |"
        ]
    detail += [
        "",
        "*Marginal per domain*: the added wall time per added domain from the size above; "
        "flat means the last step costs no more per domain than the first. *CPU per domain* "
        "is the steadier figure when other work shares the machine.",
        "",
    ]
    return summary, detail


def render(results) -> str:
    settings = results.get("settings", {})
    smoke = settings.get("mode") == "smoke"
    lines = [
        "# Performance",
        "",
        "<!-- Written by benchmarks/run.py (`make bench`); the notes at the end are "
        "benchmarks/notes.md. Edit those, not this file. -->",
        "",
        "`make bench` runs every measurement below against the local emulators on 127.0.0.1 "
        f"({_count(settings.get('runs'), 'run')} per measurement unless a table says otherwise) and "
        "writes this file; figures are medians. `make bench-smoke` (part of `make test`) runs "
        "each once at tiny sizes and fails only when the benchmark itself is broken.",
        "",
    ]
    if smoke:
        lines += [
            "**Smoke run**: tiny sizes, one run each; the figures only show that the benchmark "
            "works, the targets are not judged by them.",
            "",
        ]
    if results.get("problems"):
        lines += ["## The benchmark is broken", ""]
        lines += [f"- {p}" for p in results["problems"]]
        lines.append("")
    parts = [
        _compare_rows(results),
        _floor_rows(results),
        _calls_rows(results),
        _probe_rows(results),
        _startup_rows(results),
        _growth_rows(results),
    ]
    lines += ["## Targets", "", "| # | Measurement | Figure | Target | |", "|---|---|---|---|---|"]
    for part in parts:
        lines += part[0]
    lines.append("")
    lines += _machine(results)
    for part in parts:
        lines += part[1]
    if NOTES.is_file():
        lines += [NOTES.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)
