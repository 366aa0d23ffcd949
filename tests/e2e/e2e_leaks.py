# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Looking for credentials where a run leaves text: its output, its results, its files.

The emulator does not list the tokens it issued, so tokens are found by their shape (43
URL-safe base64 characters, as secrets.token_urlsafe(32) writes them) and then confirmed by
asking the emulator whether they still authenticate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

TOKEN_SHAPE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


@dataclass(frozen=True)
class Leak:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.what} in {self.where}"


def spellings(secret: str) -> set[str]:
    """The forms a secret takes in text: as is, form-encoded, percent-encoded."""
    return {secret, quote_plus(secret), quote(secret, safe="")}


def find_secrets(where: str, text: str, secrets: dict[str, str]) -> list[Leak]:
    """``secrets`` maps a label (never the value) to the secret."""
    return [
        Leak(where, label)
        for label, secret in secrets.items()
        if any(form in text for form in spellings(secret))
    ]


def token_candidates(text: str) -> set[str]:
    return set(TOKEN_SHAPE.findall(text))


def live_tokens(emu, candidates: set[str], domain: str) -> set[str]:
    """The candidates the emulator still accepts as access tokens."""
    live = set()
    with emu.client() as http:
        for candidate in sorted(candidates):
            reply = http.request("GET", f"/v2/domains/{domain}/gateways/sending", token=candidate)
            if reply.status != 401:
                live.add(candidate)
    return live


def texts_of_run(run) -> dict[str, str]:
    """Everything a run left to read: stdout, stderr, results and each file it wrote."""
    texts = {"stdout": run.stdout, "stderr": run.stderr}
    results = run.directory / "results.json"
    texts["results"] = results.read_text(encoding="utf-8") if results.exists() else ""
    for path in run.written_files():
        texts[str(path.relative_to(run.directory))] = (
            Path(path).read_bytes().decode("utf-8", errors="replace")
        )
    return texts
