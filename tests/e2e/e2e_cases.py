# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The reliability cases: the `case` mark each e2e test carries, the cases other suites already
cover, and docs/reliability.md rendered from both.

A case id starts with its category (fault-, probe-, input-, secret-, persist-). The table is
rendered from what the run reported, so it cannot list a case that no test checks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from alimail_emulator.crash import STEPS as KILL_STEPS

MARK = "case"
CATEGORIES = {
    "fault": "API faults",
    "probe": "SMTP probe failure modes",
    "input": "Bad input",
    "secret": "Secrets",
    "persist": "Persistence of the emulator's state",
}
# The env variable that rewrites the table instead of comparing it: 1 (the docs/reliability.md
# of the tree that runs) or a path.
WRITE_ENV = "E2E_WRITE_RELIABILITY"


def case(case_id: str, simulated: str, outcome: str) -> pytest.MarkDecorator:
    """Mark a test (or one pytest.param) as the check of one reliability case."""
    if case_id.split("-", 1)[0] not in CATEGORIES:
        raise ValueError(f"case id {case_id!r} must start with one of {', '.join(CATEGORIES)}")
    return getattr(pytest.mark, MARK)(id=case_id, simulated=simulated, outcome=outcome)


@dataclass(frozen=True)
class Row:
    id: str
    simulated: str
    outcome: str
    where: str

    @property
    def category(self) -> str:
        return self.id.split("-", 1)[0]


_API_TESTS = "tests/unit/plugins/module_utils/test_api.py"
_TRANSPORT_TESTS = "tests/unit/plugins/module_utils/test_transport.py"
_PERSISTENCE_TESTS = "tests/emulator/tests/test_emu_persistence.py"
_KILL_TEST = "test_a_kill_at_every_step_of_a_write_never_corrupts_the_state"
# Until the rename, a killed write leaves the old file in place.
_OLD_AT = KILL_STEPS[: KILL_STEPS.index("renamed")]

# Cases the unit and emulator suites check already, with fakes the e2e suite cannot use (a clock
# that skips an hour, a server that stops between two calls): counted here, not run again.
REFERENCED = (
    Row(
        "fault-429-retry-after-capped",
        "429 with Retry-After: 3600",
        "waits 30 s (the cap), then retries",
        f"{_API_TESTS}::test_429_retry_after_is_capped",
    ),
    Row(
        "fault-429-retry-after-past-deadline",
        "429 whose Retry-After ends past the total time bound",
        "fails at once with the 429, no wait",
        f"{_API_TESTS}::test_retry_after_past_the_time_left_gives_up_now",
    ),
    Row(
        "fault-429-retry-after-date",
        "429 with Retry-After as an HTTP date",
        "the date is understood, the wait capped",
        f"{_API_TESTS}::test_retry_after_as_http_date_is_understood",
    ),
    Row(
        "fault-backoff-full-jitter",
        "503 twice",
        "waits follow exponential backoff with full jitter",
        f"{_API_TESTS}::test_backoff_uses_full_jitter",
    ),
    Row(
        "fault-total-time-bound",
        "500 on every attempt, retries left but the time bound near",
        "no wait is started that would end past the bound",
        f"{_API_TESTS}::test_total_time_bound_stops_retrying",
    ),
    Row(
        "fault-refused-mid-run",
        "the API stops listening between two calls of one run",
        "connection refused is retried up to api_retries attempts, then a clear failure",
        f"{_API_TESTS}::test_refused_is_retried_for_get_until_attempts_run_out",
    ),
    Row(
        "fault-test-post-refused",
        "connection refused on the service test POST",
        "retried: a refused connection proves the test never started",
        f"{_API_TESTS}::test_test_post_is_retried_on_refused",
    ),
    Row(
        "fault-connect-timeout",
        "TCP connect that never completes",
        "a typed timeout, retried like a read timeout",
        f"{_TRANSPORT_TESTS}::test_connect_timeout_is_typed",
    ),
    Row(
        "persist-restart",
        "emulator stopped and started again",
        "gateways and ETags are served as before",
        f"{_PERSISTENCE_TESTS}::test_state_survives_a_restart",
    ),
    Row(
        "persist-corrupt-file",
        "a torn state file on start",
        "the emulator refuses to start and names the file",
        f"{_PERSISTENCE_TESTS}::test_a_corrupt_state_file_stops_the_start_with_a_clear_error",
    ),
    *(
        Row(
            f"persist-kill-{step}",
            f"SIGKILL-like exit at {step} of a state write",
            f"the state file is the {'old' if step in _OLD_AT else 'new'} state, never torn",
            f"{_PERSISTENCE_TESTS}::{_KILL_TEST}[{step}]",
        )
        for step in KILL_STEPS
    ),
)


def missing_references(root: Path) -> list[str]:
    """REFERENCED rows whose test file or function no longer exists under ``root``."""
    missing = []
    for row in REFERENCED:
        path, _sep, name = row.where.partition("::")
        function = name.partition("[")[0]
        source = root / path
        names = set()
        if source.is_file():
            tree = ast.parse(source.read_text(encoding="utf-8"))
            names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if function not in names:
            missing.append(f"{row.id}: {row.where}")
    return missing


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(rows: list[Row], leaks: int, secret_runs: int) -> str:
    rows = sorted({row.id: row for row in rows}.values(), key=lambda r: (r.category, r.id))
    counts = {key: sum(1 for r in rows if r.category == key) for key in CATEGORIES}
    end_to_end = {
        key: sum(1 for r in rows if r.category == key and "e2e" in r.where) for key in CATEGORIES
    }
    lines = [
        "# Reliability and security cases",
        "",
        "<!-- Generated by tests/e2e (e2e_cases.py); do not edit. `make e2e` fails when this file",
        f"and the suite disagree; rewrite it with {WRITE_ENV}=<path of this file> make e2e. -->",
        "",
        "Every case below is checked by the test named in its last column: end-to-end cases run",
        "real `ansible-playbook` against the emulators (tests/e2e), the others are checked by the",
        "unit or emulator suites with fakes an end-to-end run cannot use. The counts are those of",
        "the run that wrote this file, in which every case passed.",
        "",
        "| Figure | Count |",
        "| --- | --- |",
        f"| Faults survived (API faults simulated, each with its guaranteed outcome) | "
        f"{counts['fault']} ({end_to_end['fault']} end-to-end) |",
        f"| Probe failure modes handled | {counts['probe']} |",
        f"| Bad inputs refused before any request | {counts['input']} |",
        f"| Secret checks (module runs scanned: {secret_runs}) | {counts['secret']} |",
        f"| Secret leaks found | {leaks} |",
        f"| Persistence cases (kill at every step of a write) | {counts['persist']} |",
        "",
    ]
    for key, title in CATEGORIES.items():
        chosen = [r for r in rows if r.category == key]
        if not chosen:
            continue
        lines += [
            f"## {title}",
            "",
            "| Case | Simulated | Guaranteed outcome | Tested in |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| {r.id} | {_cell(r.simulated)} | {_cell(r.outcome)} | `{_cell(r.where)}` |"
            for r in chosen
        ]
        lines.append("")
    return "\n".join(lines)
