# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run one command with the local emulators up, and stop them afterwards whatever happens.

    python tools/with_emulators.py STATE_DIR [--integration-config FILE] -- COMMAND...

The command inherits the emulators' settings as environment variables (ALIMAIL_API_URL,
ALIMAIL_CLIENT_ID, ALIMAIL_CLIENT_SECRET, SMTP_<BEHAVIOUR>_PORT, ...). With
--integration-config the same settings are also written, lower-cased, to the variables file that
ansible-test integration passes to every target.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

from alimail_emulator.harness import Emulators  # noqa: E402


def _stop_on_signal(signum, _frame):
    # Turn TERM/HUP into an exception so the emulators' context manager still stops them.
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state_dir", type=pathlib.Path)
    parser.add_argument("--integration-config", type=pathlib.Path)
    argv = sys.argv[1:]
    # Split at "--" first: a REMAINDER positional would also swallow the options after STATE_DIR.
    cut = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    command = argv[cut + 1 :]
    if not command:
        parser.error("no command given after --")

    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    shutil.rmtree(args.state_dir, ignore_errors=True)
    args.state_dir.mkdir(parents=True)
    with Emulators(args.state_dir) as emulators:
        env = dict(os.environ, **emulators.env)
        if args.integration_config:
            variables = {key.lower(): value for key, value in emulators.env.items()}
            args.integration_config.write_text(json.dumps(variables, indent=2) + "\n")
        try:
            return subprocess.run(command, env=env, check=False).returncode
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
