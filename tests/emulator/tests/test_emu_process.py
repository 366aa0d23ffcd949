# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The CLI and the harness start and stop the emulator and leave no process behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from alimail_emulator import process
from alimail_emulator.harness import Emulators
from alimail_emulator.http_client import HttpClient
from emu_support import NO_SMTP

PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def _cli(*args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "alimail_emulator", *args],
        env=process.child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not process.is_emulator(pid):
            return True
        time.sleep(0.05)
    return False


def test_cli_start_writes_env_files_and_stop_leaves_no_process(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps(NO_SMTP))
    directory = tmp_path / "emu"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = _cli(
        "start", "--dir", str(directory), "--config", str(config), "--api-port", str(port)
    )
    assert started.returncode == 0, started.stderr
    env = json.loads((directory / "env.json").read_text())
    pid = int((directory / "pid").read_text())
    try:
        assert env["ALIMAIL_EMULATOR_PID"] == str(pid)
        assert env["ALIMAIL_API_URL"] == f"http://127.0.0.1:{port}"
        assert (env["ALIMAIL_CLIENT_ID"], env["ALIMAIL_CLIENT_SECRET"]) == ("demo", "demo-secret")
        assert Path(env["ALIMAIL_EMULATOR_CA"]) == directory.resolve() / "ca.pem"
        assert int(env["SMTP_ACCEPT_PORT"]) > 0
        lines = (directory / "env").read_text().splitlines()
        assert dict(line.split("=", 1) for line in lines) == env
        assert (directory / "env").stat().st_mode & 0o077 == 0
        assert "demo-secret" not in started.stdout + started.stderr
        with HttpClient(env["ALIMAIL_API_URL"]) as http:
            assert http.request("GET", "/_emulator/health").json() == {"ok": True}
        # A second start in the same directory is refused; the first keeps running.
        again = _cli("start", "--dir", str(directory))
        assert again.returncode == 1
        assert "already runs" in again.stderr
        assert process.is_emulator(pid)
    finally:
        stopped = _cli("stop", "--dir", str(directory))
    assert stopped.returncode == 0
    assert f"pid {pid}" in stopped.stdout
    assert _gone(pid)
    assert not (directory / "pid").exists()
    assert not (directory / "env.json").exists()


def test_cli_stop_without_a_running_emulator_is_a_quiet_success(tmp_path):
    result = _cli("stop", "--dir", str(tmp_path))
    assert result.returncode == 0
    assert "no emulator running" in result.stdout
    # A stale pid file naming some other process is not signalled.
    (tmp_path / "pid").write_text(f"{os.getpid()}\n")
    assert _cli("stop", "--dir", str(tmp_path)).returncode == 0
    assert not (tmp_path / "pid").exists()


def test_cli_start_failure_shows_the_log_tail(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"smtp": {"listeners": [{"behaviour": "teapot"}]}}))
    result = _cli("start", "--dir", str(tmp_path / "emu"), "--config", str(config))
    assert result.returncode == 1
    assert "emulator failed to start" in result.stderr
    assert "behaviour must be one of" in result.stderr


def test_cli_runs_from_the_package_path_too(tmp_path):
    result = subprocess.run(
        [sys.executable, str(PACKAGE_PARENT / "alimail_emulator"), "stop", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert result.returncode == 0, result.stderr


def test_harness_stops_the_process_when_the_body_raises(tmp_path):
    emu = Emulators(tmp_path, config=NO_SMTP)
    with pytest.raises(RuntimeError, match="boom"), emu:
        pid = emu.pid
        assert process.is_emulator(pid)
        raise RuntimeError("boom")
    assert _gone(pid, within=0.5)
    assert emu.process.returncode == 0  # a clean TERM shutdown


def test_harness_kills_an_emulator_that_ignores_term(tmp_path):
    with Emulators(tmp_path, config=NO_SMTP) as emu:
        os.kill(emu.pid, signal.SIGSTOP)  # a stopped process cannot act on TERM
        started = time.monotonic()
        process.terminate(emu.process, timeout=0.5)
        assert time.monotonic() - started < 3
        assert emu.process.returncode == -signal.SIGKILL


def test_emulator_exits_when_the_process_that_started_it_dies(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path.insert(0, {str(PACKAGE_PARENT)!r})
        from alimail_emulator.harness import Emulators
        emu = Emulators({str(tmp_path)!r}, config={NO_SMTP!r}).start()
        print(emu.pid, flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(parent.stdout.readline())
        assert process.is_emulator(pid)
        parent.kill()  # no finaliser runs: the emulator must notice on its own
        parent.wait(5)
        assert _gone(pid, within=5)
    finally:
        parent.kill()
        parent.wait(5)
        parent.stdout.close()


def test_https_api_with_the_emulator_ca(tmp_path):
    with Emulators(tmp_path, config=NO_SMTP, tls=True) as emu:
        assert emu.api_url.startswith("https://127.0.0.1:")
        with emu.client() as http:
            token = http.token(emu.client_id, emu.client_secret)
            reply = http.request("GET", "/v2/domains/example.com/gateways/sending", token=token)
            assert reply.json()["code"] == "GatewayNotFound"
            sock = http.connection.sock
            http.request("GET", "/_emulator/health")
            assert http.connection.sock is sock  # keep-alive over TLS too
