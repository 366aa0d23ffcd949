# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the reliability and security suite: one emulator process per pytest worker,
reset before each test, real ansible-playbook runs, and the reliability table hooks."""

from __future__ import annotations

import difflib
import os
import secrets
import socket
import sys
from pathlib import Path

import pytest

# This directory's helpers and the emulator package, whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "emulator"))

import e2e_cases
import e2e_emulator
import e2e_runner
from alimail_emulator.harness import Emulators

DOC = e2e_runner.COLLECTION_ROOT / "docs" / "reliability.md"
_rows: dict[str, e2e_cases.Row] = {}
_outcomes: dict[str, str] = {}
_tally = {"leaks": 0, "scanned_runs": 0}
_verdict: list[str] = []


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def leak_secret() -> str:
    """The client secret of the emulator's second organisation: distinctive, so a leak shows."""
    return "s3cr3t-" + secrets.token_hex(16)


@pytest.fixture(scope="session")
def emulators(tmp_path_factory, leak_secret):
    problem = e2e_runner.layout_problem()
    if problem:
        pytest.exit(problem, returncode=2)
    config = e2e_emulator.suite_config(leak_secret)
    # Stopped on leaving the block, also when a test fails or the session is interrupted.
    with Emulators(tmp_path_factory.mktemp("emulators"), config=config) as emu:
        yield emu


@pytest.fixture
def emu(emulators):
    """The worker's emulator in its initial state: no gateways, log, faults or tokens."""
    emulators.reset()
    return emulators


@pytest.fixture
def ansible(tmp_path) -> e2e_runner.Ansible:
    return e2e_runner.Ansible(tmp_path)


@pytest.fixture(scope="module")
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the reliability table ------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "case(id, simulated, outcome): the reliability case a test checks"
    )
    # The tests that share one batched playbook run sit in one class (or module), and loadscope
    # hands a whole class to one worker, so each batch runs once. (xdist_group would say it
    # better, but xdist 3.8 cannot add its group to pytest 9's node ids.)
    if getattr(config.option, "dist", "no") == "load":
        config.option.dist = "loadscope"


def pytest_collection_modifyitems(items):
    for item in items:
        mark = item.get_closest_marker(e2e_cases.MARK)
        if mark is None:
            continue
        where = Path(os.path.relpath(item.path, e2e_runner.COLLECTION_ROOT)).as_posix()
        # The node id from the module down (class, function and parameters), whatever rootdir.
        chain = item.listchain()
        module = next(i for i, node in enumerate(chain) if isinstance(node, pytest.Module))
        inside = "::".join(node.name for node in chain[module + 1 :])
        item.user_properties.append(("case", {**mark.kwargs, "where": f"{where}::{inside}"}))


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_runtest_logreport(report):
    for key, value in report.user_properties:
        if key == "case" and report.when == "setup":
            row = e2e_cases.Row(**value)
            if row.id in _rows and _rows[row.id].where != row.where:
                _verdict.append(f"case {row.id} is claimed by two tests: {row.where}")
            _rows[row.id] = row
        if key == "case" and (report.when == "call" or report.outcome != "passed"):
            _outcomes[value["id"]] = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        elif key in _tally and report.when == "call":
            _tally[key] += value


def _full_run(session) -> bool:
    option = session.config.option
    here = Path(__file__).parent.resolve()
    paths = [Path(arg.partition("::")[0]).resolve() for arg in session.config.args]
    return (
        all(path == here for path in paths)
        and not option.keyword
        and not option.markexpr
        and not getattr(option, "lf", False)
        and not getattr(option, "deselect", None)
    )


def pytest_sessionfinish(session, exitstatus):
    if _is_worker(session.config) or not _rows:
        return
    rows = [*_rows.values(), *e2e_cases.REFERENCED]
    text = e2e_cases.render(rows, _tally["leaks"], _tally["scanned_runs"])
    target = os.environ.get(e2e_cases.WRITE_ENV)
    if any("claimed by two tests" in line for line in _verdict):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    if exitstatus != 0 or not _full_run(session):
        _verdict.append(f"{DOC.name} not checked: only a full, passing run of tests/e2e checks it")
        return
    if target:
        path = DOC if target == "1" else Path(target)
        path.write_text(text, encoding="utf-8")
        _verdict.append(f"{DOC.name} written to {path}")
        return
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if current == text:
        _verdict.append(f"{DOC.name} matches the cases this run checked")
        return
    diff = difflib.unified_diff(
        current.splitlines(), text.splitlines(), "committed", "this run", lineterm=""
    )
    _verdict.append(
        f"{DOC} differs from the cases this run checked; rewrite it with "
        f"{e2e_cases.WRITE_ENV}=<checkout>/docs/reliability.md make e2e:\n" + "\n".join(diff)
    )
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _is_worker(config) or not _rows:
        return
    rows = [*_rows.values(), *e2e_cases.REFERENCED]
    counts = {key: sum(1 for r in rows if r.category == key) for key in e2e_cases.CATEGORIES}
    terminalreporter.section("reliability cases")
    terminalreporter.line(
        f"faults survived: {counts['fault']}, probe failure modes: {counts['probe']}, "
        f"bad inputs refused: {counts['input']}, secret checks: {counts['secret']} "
        f"({_tally['scanned_runs']} runs scanned), leaks found: {_tally['leaks']}, "
        f"persistence cases: {counts['persist']}"
    )
    other = sorted(f"{cid} {outcome}" for cid, outcome in _outcomes.items() if outcome != "passed")
    ran = len(_outcomes)
    terminalreporter.line(
        f"end-to-end cases run: {ran}, passed: {ran - len(other)}"
        + (f"; not passed: {', '.join(other)}" if other else "")
    )
    for line in _verdict:
        terminalreporter.line(line)
