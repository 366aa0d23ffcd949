# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Starting the emulator in the background, waiting until it is ready, and stopping it.

Shared by the CLI (`start`/`stop`) and the test harness. Each emulator runs in its own session
(start_new_session) so a Makefile trap or a test finaliser can signal it and its group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from alimail_emulator import envfiles

PACKAGE_PARENT = Path(__file__).resolve().parent.parent
LOG = "server.log"


class StartError(RuntimeError):
    """The emulator did not become ready; the message ends with its log's tail."""


def child_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PACKAGE_PARENT), env.get("PYTHONPATH")) if p
    )
    env.update(extra or {})
    return env


def launch(
    directory,
    *,
    config_path=None,
    api_port=0,
    tls=False,
    env=None,
    exit_with_parent=False,
    timeout=30.0,
) -> tuple[subprocess.Popen, dict]:
    """Start `serve` in the background and return (process, env) once it is ready."""
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    running = envfiles.read_pid(directory)
    if running is not None and is_emulator(running):
        raise StartError(f"an emulator already runs in {directory} (pid {running}); stop it first")
    envfiles.clear(directory)
    command = [sys.executable, "-m", "alimail_emulator", "serve", "--dir", str(directory)]
    command += ["--api-port", str(api_port)]
    if config_path:
        command += ["--config", str(Path(config_path).resolve())]
    if tls:
        command.append("--tls")
    if exit_with_parent:
        command.append("--exit-with-parent")
    log_path = directory / LOG
    with log_path.open("ab") as log_file:
        offset = log_file.tell()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=child_env(env),
            start_new_session=True,
            close_fds=True,
        )
    try:
        return process, wait_ready(directory, process, timeout, log_path, offset)
    except BaseException:
        terminate(process)
        raise


def log_tail(log_path: Path, offset: int = 0, lines: int = 30) -> str:
    try:
        with Path(log_path).open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def wait_ready(directory, process, timeout, log_path, offset=0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        env = envfiles.read(directory)
        if env and env.get("ALIMAIL_EMULATOR_PID") == str(process.pid):
            return env
        if process.poll() is not None:
            raise StartError(
                f"the emulator exited with status {process.returncode} before it was ready; "
                f"log {log_path}:\n{log_tail(log_path, offset)}"
            )
        time.sleep(0.02)
    raise StartError(
        f"the emulator was not ready within {timeout:g} s; log {log_path}:\n"
        f"{log_tail(log_path, offset)}"
    )


def terminate(process: subprocess.Popen, timeout: float = 5.0) -> int:
    """Stop a process this one started: TERM, wait, then KILL its whole session."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait(timeout)
    return process.returncode


def _kill_group(pid: int) -> None:
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def is_emulator(pid: int) -> bool:
    """True while ``pid`` is a live (not zombie) alimail emulator process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    state = stat.rsplit(")", 1)[-1].split()[0]
    # The pid file may outlive its process; never signal a stranger that reused the number.
    return state not in ("Z", "X") and b"alimail_emulator" in cmdline


def stop_pid(pid: int, timeout: float = 5.0) -> bool:
    """Stop the emulator ``pid`` (not a child of this process). False if it was not running."""
    if not is_emulator(pid):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_emulator(pid):
            return True
        time.sleep(0.05)
    _kill_group(pid)
    deadline = time.monotonic() + timeout
    while is_emulator(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def stop_directory(directory, timeout: float = 5.0) -> int | None:
    """Stop the emulator whose pid file is in ``directory``; returns its pid, None if none ran."""
    pid = envfiles.read_pid(directory)
    stopped = pid if pid is not None and stop_pid(pid, timeout) else None
    envfiles.clear(directory, pid)
    return stopped
