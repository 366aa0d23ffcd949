# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-playbook runs with the benchmark's own environment, timed from outside and inside.

The wall time is measured around the ansible-playbook process (what a pipeline waits for); the
bench_timing callback adds each task's and each host's times from inside.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import ssl
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "benchmarks" / "playbooks"
CALLBACKS = ROOT / "benchmarks" / "callback_plugins"
COLLECTION = Path("ansible_collections") / "alimail" / "gateways"
RUN_TIMEOUT = 1200


class BenchError(RuntimeError):
    """The benchmark itself is broken: a run failed or reached the wrong verdict."""


def built_collection() -> Path:
    """The collections directory `make tree` built (ANSIBLE_COLLECTIONS_PATH, else .build)."""
    paths = os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep)
    for entry in [*paths, str(ROOT / ".build" / "collections")]:
        if entry and (Path(entry) / COLLECTION / "galaxy.yml").is_file():
            return Path(entry)
    raise BenchError("no built collection found: run `make tree` (or `make bench`) first")


def snapshot_collection(work: Path) -> Path:
    """A private copy of the built collection: a parallel `make tree` cannot change it mid-run."""
    source = built_collection() / COLLECTION
    target = work / "collections"
    shutil.copytree(
        source,
        target / COLLECTION,
        ignore=shutil.ignore_patterns(".git", "__pycache__", "tests", ".cache", ".build"),
    )
    return target


@dataclass
class Run:
    label: str
    wall: float
    cpu: float
    rc: int
    log: Path
    timing: dict = field(repr=False)

    @property
    def stats(self) -> dict:
        return self.timing.get("stats", {})

    def total(self, key: str) -> int:
        return sum(host.get(key, 0) for host in self.stats.values())

    def task_times(self, action: str) -> list[float]:
        """Per task of this action, the time of its (single) host, in task order."""
        found = []
        for task in self.timing.get("tasks", []):
            if task["action"] == action and task["hosts"]:
                found.append(max(h["end"] - h["start"] for h in task["hosts"].values()))
        return found

    def tail(self, lines: int = 25) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])


class Ansible:
    """Runs playbooks against one collection snapshot with Ansible's files under work."""

    def __init__(self, work: Path, collections: Path, bin_dir: Path):
        self.work = work
        self.collections = collections
        self.bin = bin_dir
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.config = work / "ansible.cfg"
        self.config.write_text("[defaults]\n", encoding="utf-8")
        self._count = 0

    def env(self, emulator_env: dict, extra: dict | None = None) -> dict:
        # Nothing of the caller's Ansible or Alibaba Mail settings may change what is measured.
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("ANSIBLE_", "ALIMAIL_", "SMTP_"))
        }
        home = self.work / "ansible"
        env.update(
            ANSIBLE_HOME=str(home),
            ANSIBLE_LOCAL_TEMP=str(home / "tmp"),
            ANSIBLE_REMOTE_TMP=str(home / "remote-tmp"),
            ANSIBLE_COLLECTIONS_PATH=str(self.collections),
            ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
            ANSIBLE_CALLBACKS_ENABLED="bench_timing",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            # An empty configuration: no ansible.cfg of the caller's changes forks or strategy.
            ANSIBLE_CONFIG=str(self.config),
        )
        env.update(emulator_env)
        if emulator_env.get("ALIMAIL_EMULATOR_CA"):
            env.pop("SSL_CERT_DIR", None)
            env["SSL_CERT_FILE"] = str(self.trust_store(Path(emulator_env["ALIMAIL_EMULATOR_CA"])))
        env.update(extra or {})
        # None in extra removes a variable (the bytecode variant drops PYTHONDONTWRITEBYTECODE).
        return {key: value for key, value in env.items() if value is not None}

    def trust_store(self, ca_path: Path) -> Path:
        """The system's CA bundle plus the emulator's CA, for SSL_CERT_FILE.

        Neither playbook sets ca_path: both trust the emulator as they would trust the
        service, through the default store, and so pay what loading it costs on every task.
        """
        bundle = self.work / "trust" / f"{ca_path.parent.name}.pem"
        if not bundle.is_file():
            system = ssl.get_default_verify_paths().cafile
            parts = [Path(system).read_bytes()] if system and Path(system).is_file() else []
            bundle.parent.mkdir(parents=True, exist_ok=True)
            bundle.write_bytes(b"\n".join([*parts, ca_path.read_bytes()]))
        return bundle

    def run(
        self,
        playbook: str,
        inventory: Path,
        emulator_env: dict,
        *,
        label: str,
        args: tuple = (),
        extra_env: dict | None = None,
    ) -> Run:
        self._count += 1
        stem = f"{self._count:03d}-{label}"
        log = self.logs / f"{stem}.log"
        timing_path = self.logs / f"{stem}.json"
        env = self.env(emulator_env, {"BENCH_TIMING_OUT": str(timing_path), **(extra_env or {})})
        command = [str(self.bin / "ansible-playbook"), "-i", str(inventory)]
        command += [str(PLAYBOOKS / playbook), *args]
        with log.open("w", encoding="utf-8") as out:
            started = time.monotonic()
            process = subprocess.Popen(
                command,
                env=env,
                cwd=self.work,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Its own process group: a timeout or an interruption stops its workers too.
                start_new_session=True,
            )
            killer = threading.Timer(RUN_TIMEOUT, _kill_group, (process,))
            killer.start()
            try:
                # wait4: the CPU time of ansible-playbook and every worker and module process it
                # reaped, a figure that the load of other processes on the machine disturbs less.
                status, usage = os.wait4(process.pid, 0)[1:]
            except BaseException:
                # Interrupted (a signal, ^C): the playbook must not outlive the benchmark.
                _kill_group(process)
                process.wait()
                raise
            finally:
                killer.cancel()
            wall = time.monotonic() - started
            process.returncode = os.waitstatus_to_exitcode(status)
        if wall >= RUN_TIMEOUT:
            raise BenchError(f"{label}: ansible-playbook ran past {RUN_TIMEOUT} s; log {log}")
        cpu = usage.ru_utime + usage.ru_stime
        timing = json.loads(timing_path.read_text()) if timing_path.is_file() else {}
        run = Run(label, wall, cpu, process.returncode, log, timing)
        if process.returncode != 0:
            raise BenchError(
                f"{label}: ansible-playbook exited {process.returncode}:\n{run.tail()}"
            )
        return run


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL ansible-playbook and every worker it forked (they share its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def check_verdict(run: Run, hosts: int, changed: bool) -> list[str]:
    """Every host ran without failure; changed on every host for a change run, on none else."""
    found = []
    if len(run.stats) != hosts:
        found.append(f"{run.label}: {len(run.stats)} hosts in the recap, expected {hosts}")
    for key in ("failures", "unreachable"):
        if run.total(key):
            found.append(f"{run.label}: {run.total(key)} {key}")
    changed_hosts = sum(1 for host in run.stats.values() if host.get("changed", 0) > 0)
    want = hosts if changed else 0
    if changed_hosts != want:
        found.append(f"{run.label}: {changed_hosts} hosts changed, expected {want}")
    return found


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
