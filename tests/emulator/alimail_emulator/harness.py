# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulators as a context manager for tests and tools.

    with Emulators(tmp_path) as emu:
        emu.api_url, emu.client_id, emu.client_secret, emu.ca_path, emu.smtp_ports["accept"]
        emu.add_fault(method="GET", path="/v2/*", status=503)
        emu.requests()

The process is stopped on exit, also when the body raises; it also exits by itself if the
process that started it dies (--exit-with-parent), so no test run leaves one behind.
"""

from __future__ import annotations

import json
from pathlib import Path

from alimail_emulator import process
from alimail_emulator.http_client import HttpClient


class EmulatorError(RuntimeError):
    """A /_emulator/ call did not answer as expected."""


class Emulators:
    def __init__(
        self,
        tmp_dir,
        config: dict | None = None,
        tls: bool = False,
        *,
        api_port: int = 0,
        env: dict | None = None,
        start_timeout: float = 30.0,
    ):
        self.dir = Path(tmp_dir)
        self.config = config
        self.tls = tls
        self.api_port = api_port
        self.extra_env = env
        self.start_timeout = start_timeout
        self.process = None
        self.env: dict[str, str] = {}

    # Lifecycle

    def start(self, env: dict | None = None) -> Emulators:
        """Start the emulator; ``env`` replaces the extra environment for this start."""
        if self.process is not None and self.process.poll() is None:
            raise EmulatorError("the emulator is already running; stop() it first")
        if env is not None:
            self.extra_env = env
        self.dir.mkdir(parents=True, exist_ok=True)
        config_path = None
        if self.config is not None:
            config_path = self.dir / "config.json"
            config_path.write_text(json.dumps(self.config, indent=2), encoding="utf-8")
        self.process, self.env = process.launch(
            self.dir,
            config_path=config_path,
            api_port=self.api_port,
            tls=self.tls,
            env=self.extra_env,
            exit_with_parent=True,
            timeout=self.start_timeout,
        )
        return self

    def stop(self) -> int | None:
        """Stop the process (TERM, then KILL); returns its exit status, None if never started."""
        if self.process is None:
            return None
        return process.terminate(self.process)

    def restart(self, env: dict | None = None) -> Emulators:
        self.stop()
        return self.start(env)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> Emulators:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # What a client needs

    @property
    def api_url(self) -> str:
        return self.env["ALIMAIL_API_URL"]

    @property
    def client_id(self) -> str:
        return self.env["ALIMAIL_CLIENT_ID"]

    @property
    def client_secret(self) -> str:
        return self.env["ALIMAIL_CLIENT_SECRET"]

    @property
    def ca_path(self) -> str:
        return self.env["ALIMAIL_EMULATOR_CA"]

    @property
    def smtp_ports(self) -> dict[str, int]:
        """Listener name (the behaviour, unless the config names it) -> port."""
        return {
            key[len("SMTP_") : -len("_PORT")].lower(): int(value)
            for key, value in self.env.items()
            if key.startswith("SMTP_") and key.endswith("_PORT")
        }

    def client(self, timeout: float = 10.0) -> HttpClient:
        """A fresh keep-alive HTTP client for the API (close it, or use it in a with block)."""
        return HttpClient(self.api_url, self.ca_path if self.tls else None, timeout)

    def token(self, client_id: str | None = None, client_secret: str | None = None) -> str:
        with self.client() as http:
            return http.token(client_id or self.client_id, client_secret or self.client_secret)

    # The /_emulator/ endpoints

    def _call(self, method: str, path: str, body=None, expect=(200, 201, 204)):
        with self.client() as http:
            reply = http.request(method, f"/_emulator/{path}", body)
        if reply.status not in expect:
            raise EmulatorError(f"{method} /_emulator/{path}: {reply.status} {reply.body[:300]!r}")
        return reply

    def health(self) -> dict:
        return self._call("GET", "health").json()

    def requests(self) -> list[dict]:
        return self._call("GET", "requests").json()["requests"]

    def clear_requests(self) -> None:
        self._call("DELETE", "requests")

    def add_fault(self, **fault) -> list[dict]:
        """method, path (fnmatch), count, status, code, message, retryAfter, latency, drop."""
        return self._call("POST", "faults", fault).json()["faults"]

    def faults(self) -> list[dict]:
        return self._call("GET", "faults").json()["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def reset(self) -> None:
        self._call("POST", "reset")

    def state(self) -> dict:
        return self._call("GET", "state").json()

    def seed(self, domain: str, kind: str, body: dict) -> tuple[dict, str]:
        """Store a gateway directly (no ETag, no enable guard); returns (body, etag)."""
        reply = self._call("PUT", f"state/{domain}/{kind}", body)
        return reply.json(), reply.etag

    def unseed(self, domain: str, kind: str) -> None:
        self._call("DELETE", f"state/{domain}/{kind}")

    def expire_tokens(self) -> int:
        return self._call("POST", "tokens/expire").json()["expired"]

    def messages(self) -> list[dict]:
        return self._call("GET", "messages").json()["messages"]

    def clear_messages(self) -> None:
        self._call("DELETE", "messages")

    def tests(self) -> list[dict]:
        """Successful gateway tests the enable guard remembers."""
        return self._call("GET", "tests").json()["tests"]
