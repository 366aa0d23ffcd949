# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Messages the SMTP gateway listeners accepted, in memory and in DIR/messages.jsonl."""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
from pathlib import Path

from alimail_emulator.timefmt import rfc3339


def subject_of(data: bytes) -> str | None:
    headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(data)
    subject = headers.get("Subject")
    return str(subject) if subject is not None else None


class MessageLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._messages: list[dict] = []
        self._seq = 0
        # Each run starts a fresh file so the file and the endpoint always agree.
        self.path.write_text("", encoding="utf-8")

    def record(self, *, listener, behaviour, peer, mail_from, rcpt_tos, tls, data: bytes) -> dict:
        with self._lock:
            self._seq += 1
            message = {
                "seq": self._seq,
                "time": rfc3339(precise=True),
                "listener": listener,
                "behaviour": behaviour,
                "peer": peer,
                "mail_from": mail_from,
                "rcpt_tos": list(rcpt_tos),
                "subject": subject_of(data),
                "tls": bool(tls),
                "data": data.decode("utf-8", errors="replace"),
            }
            self._messages.append(message)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(message, sort_keys=True) + "\n")
            return message

    def messages(self) -> list[dict]:
        with self._lock:
            return [dict(m) for m in self._messages]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self.path.write_text("", encoding="utf-8")
