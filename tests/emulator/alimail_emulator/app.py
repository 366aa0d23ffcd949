# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Everything one emulator process holds, in one object the routes share."""

from __future__ import annotations

from pathlib import Path

from alimail_emulator.certs import Certificates
from alimail_emulator.config import Config
from alimail_emulator.crash import CrashHook
from alimail_emulator.faults import FaultTable
from alimail_emulator.messages import MessageLog
from alimail_emulator.reqlog import RequestLog
from alimail_emulator.store import StateStore
from alimail_emulator.tokens import Tokens
from alimail_emulator.verifications import Verifications


class App:
    def __init__(self, config: Config, directory: Path, crash: CrashHook | None = None):
        directory = Path(directory)
        self.config = config
        self.directory = directory
        self.store = StateStore(directory / "state.json", config.gateways, crash)
        self.store.load()
        self.certs = Certificates(directory)
        self.tokens = Tokens(config.token_lifetime)
        self.faults = FaultTable()
        self.log = RequestLog()
        self.messages = MessageLog(directory / "messages.jsonl")
        self.verifications = Verifications(config.test_window)

    def reset(self) -> None:
        """Back to the configuration's initial state, with nothing remembered from before."""
        self.store.reset()
        self.log.clear()
        self.faults.clear()
        self.tokens.expire_all()
        self.verifications.clear()
        self.messages.clear()
