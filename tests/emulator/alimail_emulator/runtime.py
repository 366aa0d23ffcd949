# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator process itself (`serve`): builds everything, writes the env files once all
listeners are up, and shuts down cleanly on SIGTERM/SIGINT or when its parent goes away."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

from alimail_emulator import config as config_module
from alimail_emulator import envfiles
from alimail_emulator.app import App
from alimail_emulator.certs import Certificates
from alimail_emulator.crash import CrashHook
from alimail_emulator.http_server import EmulatorHTTPServer
from alimail_emulator.smtp_servers import SmtpServers
from alimail_emulator.store import StateError

API_HOST = "127.0.0.1"
log = logging.getLogger("alimail_emulator")


def environment(app: App, api_port: int, tls: bool, smtp: SmtpServers) -> dict[str, str]:
    first = app.config.organisations[0]
    env = {
        "ALIMAIL_API_URL": f"{'https' if tls else 'http'}://{API_HOST}:{api_port}",
        "ALIMAIL_CLIENT_ID": first.client_id,
        "ALIMAIL_CLIENT_SECRET": first.client_secret,
        "ALIMAIL_EMULATOR_CA": str(app.certs.ca_path),
        "ALIMAIL_EMULATOR_PID": str(os.getpid()),
        "SMTP_HOST": "127.0.0.1",
    }
    for spec in app.config.listeners:
        if spec.name in smtp.ports:
            env[spec.env_name] = str(smtp.ports[spec.name])
    return env


def serve(directory, config_path=None, api_port=0, tls=False, exit_with_parent=False) -> int:
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        app = App(config_module.load(config_path), directory, CrashHook.from_env())
    except (config_module.ConfigError, StateError, ValueError) as exc:
        log.error("cannot start: %s", exc)
        return 2
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *args: stopping.set())
    parent = os.getppid()
    smtp = SmtpServers(app.config.listeners, app.certs, app.messages, app.config.idle_timeout)
    httpd = None
    try:
        smtp.start()
        context = Certificates.server_context(app.certs.server) if tls else None
        httpd = EmulatorHTTPServer((API_HOST, api_port), app, context)
        threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        ).start()
        env = environment(app, httpd.server_address[1], tls, smtp)
        envfiles.write(directory, env, os.getpid())
        log.info("ready: api %s, %d SMTP listeners", env["ALIMAIL_API_URL"], len(smtp.ports))
        while not stopping.wait(0.2):
            if exit_with_parent and os.getppid() != parent:
                log.info("parent process went away; stopping")
                break
    except Exception:
        log.exception("cannot start")
        return 2
    finally:
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        smtp.stop()
        envfiles.clear(directory, os.getpid())
    log.info("stopped")
    return 0
