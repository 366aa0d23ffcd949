# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The performance benchmark of alimail.gateways against the local emulators.

    python benchmarks/run.py --out docs/performance.md          # make bench
    python benchmarks/run.py --smoke --out .cache/bench-smoke.md  # make bench-smoke
    python benchmarks/run.py --render .cache/bench-results-full.json --out docs/performance.md

It measures the collection built by `make tree` (a private copy of it), with the emulators on
127.0.0.1 and slow-banner SMTP listeners on 127.0.10.0/23, and writes a markdown report with
the machine, medians, ratios and whether each target is met. It exits 1 only when the
benchmark itself is broken (a run failed, a verdict or a request count is wrong); a missed
timing target is reported, never a failure. --smoke runs every measurement once at tiny sizes;
--render writes the report again from the figures an earlier run saved (after editing notes.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The emulators' harness, as tools/with_emulators.py uses it.
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

from benchkit import sections  # noqa: E402
from benchkit.ansible_runs import Ansible, BenchError, snapshot_collection  # noqa: E402
from benchkit.machine import describe, load  # noqa: E402
from benchkit.report import render  # noqa: E402

FULL = {
    "mode": "full",
    "runs": 3,
    "compare": 50,
    "change": 10,
    "growth": (10, 50, 200),
    # One run at 200 domains (about 4 minutes here) keeps `make bench` near 15 minutes.
    "growth_runs": {10: 5, 200: 1},
    "floor_runs": 3,
    "floor_pairs": 6,
    "bytecode_runs": 2,
    "breakdown_runs": 10,
    "probe": {
        "one": 1,
        "many": 64,
        "most": 256,
        "most_concurrency": 64,
        "runs": 5,
        "module_runs": 3,
    },
    "import_runs": 5,
}
SMOKE = {
    "mode": "smoke",
    "runs": 1,
    "compare": 3,
    "change": 2,
    "growth": (2, 3),
    "growth_runs": {},
    "floor_runs": 1,
    "floor_pairs": 2,
    "bytecode_runs": 0,
    "breakdown_runs": 2,
    "probe": {
        "one": 1,
        "many": 4,
        "most": 8,
        "most_concurrency": 4,
        "runs": 1,
        "module_runs": 1,
    },
    "import_runs": 1,
}


def _stop_on_signal(signum, frame):
    # TERM or HUP (make interrupted, a CI timeout) unwinds the with blocks like ^C does, so the
    # emulators, the SMTP listeners and a running playbook are all stopped.
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="markdown report to write")
    parser.add_argument("--smoke", action="store_true", help="each measurement once, tiny sizes")
    parser.add_argument(
        "--render",
        type=Path,
        metavar="RESULTS",
        help="only write the report again from a results file of an earlier run (new notes)",
    )
    args = parser.parse_args(argv)
    if args.render:
        results = json.loads(args.render.read_text(encoding="utf-8"))
        results["growth"] = {int(size): runs for size, runs in results.get("growth", {}).items()}
        args.out.write_text(render(results), encoding="utf-8")
        print(f"report written to {args.out} from {args.render}")
        return 0
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    settings = SMOKE if args.smoke else FULL
    python = Path(sys.executable)
    cache = ROOT / ".cache"
    cache.mkdir(exist_ok=True)
    # Each run has its own directory, so a smoke run in a parallel `make test` cannot meet it.
    work = Path(tempfile.mkdtemp(prefix=f"bench-{settings['mode']}-", dir=cache))
    started = time.monotonic()
    results = {"settings": settings, "problems": []}
    try:
        results["machine"] = describe(python, ROOT)
        collections = snapshot_collection(work)
        ansible = Ansible(work, collections, python.parent)
        sections.run_all(settings, ansible, python, collections, work, results)
    except KeyboardInterrupt as exc:
        # Every with block has stopped its processes by now; no report of a partial run.
        print(f"interrupted ({exc or 'keyboard'}); logs kept in {work}", file=sys.stderr)
        return 130
    except BenchError as exc:
        results["problems"].append(str(exc))
    except Exception:  # a crash of the benchmark is a broken benchmark, with its traceback
        results["problems"].append("the benchmark crashed:\n" + traceback.format_exc())
    results["machine"] = {**results.get("machine", {}), "load_end": load()}
    results["elapsed"] = time.monotonic() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(results), encoding="utf-8")
    # The figures, kept so that the report can be written again after the notes change.
    saved = cache / f"bench-results-{settings['mode']}.json"
    saved.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"report written to {args.out} in {results['elapsed']:.0f} s (figures in {saved})")
    if results["problems"]:
        print("the benchmark is broken:", file=sys.stderr)
        for problem in results["problems"]:
            print(f"  - {problem}", file=sys.stderr)
        print(f"logs kept in {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
