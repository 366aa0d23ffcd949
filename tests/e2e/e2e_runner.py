# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Real ansible-playbook runs of generated playbooks, each in directories of its own.

The playbook runs on the implicit localhost with the Python that runs pytest; the collection
comes only from the built tree that holds this file, found relative to it. Each run gets its own
HOME, TMPDIR, ANSIBLE_HOME, ANSIBLE_LOCAL_TEMP and ANSIBLE_REMOTE_TMP, so the secrets test can
read every file a run leaves. Results come from the e2e_results callback; stdout stays the
default callback's, which is what a user reads.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).parent
COLLECTION_ROOT = HERE.parent.parent
COLLECTIONS_DIR = COLLECTION_ROOT.parent.parent.parent
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
RUN_TIMEOUT = 240.0
# Directories of a run that the module or Ansible may write to; the secrets test scans them all.
WRITABLE = ("home", "tmp", "ansible_home", "local_tmp", "remote_tmp")
_counter = itertools.count(1)


def layout_problem() -> str | None:
    """Why this file is not inside a built collection tree, or None when it is."""
    if COLLECTION_ROOT.parent.parent.name != "ansible_collections":
        return (
            f"{HERE} is not inside <collections>/ansible_collections/alimail/gateways; "
            "run the suite from the built tree: make e2e"
        )
    return None


class Unquoted(str):
    """A value written into the playbook as a plain YAML scalar, as a user would type it
    (an unquoted 22:00 is the base-60 integer 1320 to YAML 1.1)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    Unquoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:int", str(value))
)


@dataclass
class TaskResult:
    name: str
    host: str
    status: str
    ignored: bool
    result: dict
    started: float
    ended: float

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def msg(self) -> str:
        return str(self.result.get("msg", ""))

    @property
    def elapsed(self) -> float:
        return self.ended - self.started

    def __str__(self) -> str:
        shown = {k: v for k, v in self.result.items() if k != "invocation"}
        return f"task {self.name!r} {self.status}: {json.dumps(shown, default=str)[:3000]}"


@dataclass
class PlaybookRun:
    directory: Path
    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    results: list[TaskResult] = field(default_factory=list)

    def _missing(self, what: str) -> str:
        return (
            f"{what} has no result (rc {self.returncode}); stderr:\n{self.stderr[-3000:]}"
            f"\nstdout:\n{self.stdout[-3000:]}"
        )

    def __getitem__(self, name: str) -> TaskResult:
        """The result of the task of that name (a playbook of one host)."""
        found = [r for r in self.results if r.name == name]
        assert found, self._missing(f"task {name!r}")
        return found[0]

    def case(self, host: str) -> TaskResult:
        """The result of the one task a host of run_cases() ran."""
        found = [r for r in self.results if r.host == host and r.status != "skipped"]
        assert len(found) == 1, self._missing(f"case {host!r}")
        return found[0]

    def written_files(self) -> list[Path]:
        """Every file left in the directories the run could write to."""
        found = []
        for name in WRITABLE:
            found.extend(p for p in sorted((self.directory / name).rglob("*")) if p.is_file())
        return found


@dataclass(frozen=True)
class Case:
    """One host of a run_cases() batch: a module task with its own arguments."""

    host: str
    module: str
    args: dict
    check_mode: bool = False


def task(name: str, module: str, args: dict, **keywords) -> dict:
    """One task of a generated playbook; a failure never stops the play."""
    return {"name": name, module: args, "ignore_errors": True, **keywords}


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=1000)


class Ansible:
    """Runs generated playbooks under one base directory (a test's tmp_path)."""

    def __init__(self, base: Path):
        self.base = Path(base)

    def _directory(self, label: str) -> Path:
        directory = self.base / f"{label}-{next(_counter)}"
        for name in WRITABLE:
            (directory / name).mkdir(parents=True)
        return directory

    @staticmethod
    def _write_play(directory: Path, play: dict, module_defaults: dict | None) -> None:
        if module_defaults:
            play["module_defaults"] = module_defaults
        (directory / "playbook.yml").write_text(_dump([play]), encoding="utf-8")

    @staticmethod
    def environment(directory: Path, extra: dict | None = None) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("ANSIBLE_", "ALIMAIL_", "E2E_")) and key != "PYTHONPATH"
        }
        env.update(
            HOME=str(directory / "home"),
            TMPDIR=str(directory / "tmp"),
            ANSIBLE_HOME=str(directory / "ansible_home"),
            ANSIBLE_LOCAL_TEMP=str(directory / "local_tmp"),
            ANSIBLE_REMOTE_TMP=str(directory / "remote_tmp"),
            ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_DIR),
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
            ANSIBLE_CALLBACK_PLUGINS=str(HERE / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="e2e_results",
            ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
            ANSIBLE_DEBUG="false",
            ANSIBLE_NOCOLOR="true",
            ANSIBLE_RETRY_FILES_ENABLED="false",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            E2E_RESULTS=str(directory / "results.json"),
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.update(extra or {})
        return env

    def _start(self, directory: Path, verbosity: int, env: dict | None, inventory=False):
        command = [str(ANSIBLE_PLAYBOOK), "playbook.yml"]
        if inventory:
            command += ["-i", "inventory.yml"]
        if verbosity:
            command.append("-" + "v" * verbosity)
        return Running(directory, command, self.environment(directory, env))

    def start(
        self,
        tasks,
        *,
        label: str = "run",
        module_defaults: dict | None = None,
        play_vars: dict | None = None,
        verbosity: int = 0,
        env: dict | None = None,
    ) -> Running:
        """Start a playbook of ``tasks`` on the implicit localhost, with this Python."""
        directory = self._directory(label)
        play = {
            "name": label,
            "hosts": "localhost",
            "gather_facts": False,
            "vars": {"ansible_python_interpreter": sys.executable, **(play_vars or {})},
            "tasks": list(tasks),
        }
        self._write_play(directory, play, module_defaults)
        return self._start(directory, verbosity, env)

    def run(self, tasks, **options) -> PlaybookRun:
        with self.start(tasks, **options) as running:
            return running.wait()

    def run_cases(
        self,
        cases: list[Case],
        *,
        label: str = "cases",
        module_defaults: dict | None = None,
        forks: int = 4,
        env: dict | None = None,
    ) -> PlaybookRun:
        """One local host per case, ``forks`` at a time: the waits of many cases overlap.

        Each host runs the one task of its module with the arguments it carries as host vars,
        which YAML reads exactly as it would read them written into a task.
        """
        directory = self._directory(label)
        hosts = {
            c.host: {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "case_module": c.module,
                "case_check_mode": c.check_mode,
                "case_args": c.args,
            }
            for c in cases
        }
        (directory / "inventory.yml").write_text(_dump({"all": {"hosts": hosts}}), "utf-8")
        modules = sorted({c.module for c in cases})
        play = {
            "name": label,
            "hosts": "all",
            "gather_facts": False,
            "tasks": [
                task(
                    module,
                    module,
                    "{{ case_args }}",
                    when=f"case_module == '{module}'",
                    check_mode="{{ case_check_mode }}",
                )
                for module in modules
            ],
        }
        self._write_play(directory, play, module_defaults)
        # Templated task args are unsafe only where facts become variables; none are gathered.
        extra = {"ANSIBLE_FORKS": str(forks), "ANSIBLE_INJECT_FACT_VARS": "false", **(env or {})}
        with self._start(directory, 0, extra, inventory=True) as running:
            return running.wait()


class Running:
    """A started ansible-playbook; leaving the with block stops it if it still runs."""

    def __init__(self, directory: Path, command: list[str], env: dict):
        self.directory = directory
        self.started = time.monotonic()
        self._stdout = (directory / "stdout.txt").open("w+", encoding="utf-8")
        self._stderr = (directory / "stderr.txt").open("w+", encoding="utf-8")
        # Its own session, so that stopping it also stops the workers it forked.
        self.process = subprocess.Popen(
            command,
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._stdout,
            stderr=self._stderr,
            start_new_session=True,
        )

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self._stdout.close()
        self._stderr.close()

    def wait(self, timeout: float = RUN_TIMEOUT) -> PlaybookRun:
        try:
            returncode = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(
                f"ansible-playbook in {self.directory} ran past {timeout:g} s"
            ) from None
        elapsed = time.monotonic() - self.started
        self._stdout.seek(0)
        self._stderr.seek(0)
        run = PlaybookRun(
            self.directory, returncode, self._stdout.read(), self._stderr.read(), elapsed
        )
        results = self.directory / "results.json"
        if results.exists():
            for item in json.loads(results.read_text(encoding="utf-8")):
                run.results.append(
                    TaskResult(
                        name=item["task"],
                        host=item["host"],
                        status=item["status"],
                        ignored=item["ignored"],
                        result=item["result"],
                        started=item["started"] or item["ended"],
                        ended=item["ended"],
                    )
                )
        return run
