# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command line: start / stop / serve.

    python -m alimail_emulator start --dir DIR [--config FILE] [--api-port 0] [--tls]
    python -m alimail_emulator stop --dir DIR
    python -m alimail_emulator serve --dir DIR [...]   (foreground)

Run it with tests/emulator on PYTHONPATH, or as `python tests/emulator/alimail_emulator ...`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

if not __package__:
    # Run as a directory path: make the package importable by its name.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m alimail_emulator",
        description="Local Alibaba Mail admin API and SMTP gateway emulators (loopback only).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("start", "start in the background and return once ready"),
        ("serve", "run in the foreground until SIGTERM or Ctrl-C"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--dir", required=True, type=Path, help="state, logs and env files")
        sub.add_argument("--config", type=Path, help="JSON file merged over the defaults")
        sub.add_argument("--api-port", type=int, default=0, help="0 picks a free port")
        sub.add_argument("--tls", action="store_true", help="serve the API over HTTPS")
        if name == "start":
            sub.add_argument("--timeout", type=float, default=30.0, help="seconds to wait")
        else:
            sub.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)
    stop = commands.add_parser("stop", help="stop the emulator started in DIR (TERM, then KILL)")
    stop.add_argument("--dir", required=True, type=Path)
    stop.add_argument("--timeout", type=float, default=5.0, help="seconds before KILL")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    process = importlib.import_module("alimail_emulator.process")
    if args.command == "serve":
        runtime = importlib.import_module("alimail_emulator.runtime")
        return runtime.serve(args.dir, args.config, args.api_port, args.tls, args.exit_with_parent)
    if args.command == "stop":
        pid = process.stop_directory(args.dir, args.timeout)
        print(f"emulator stopped (pid {pid})" if pid else f"no emulator running in {args.dir}")
        return 0
    try:
        child, env = process.launch(
            args.dir,
            config_path=args.config,
            api_port=args.api_port,
            tls=args.tls,
            timeout=args.timeout,
        )
    except process.StartError as exc:
        print(f"emulator failed to start: {exc}", file=sys.stderr)
        return 1
    print(f"emulator running (pid {child.pid}), API at {env['ALIMAIL_API_URL']}")
    print(f"environment in {args.dir.resolve() / 'env'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
