# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for the emulator's own tests: real emulator processes on loopback, short timings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The emulator package and this directory's helpers, whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alimail_emulator.harness import Emulators
from emu_support import FAST, Api


@pytest.fixture(scope="session")
def shared_emu(tmp_path_factory):
    with Emulators(tmp_path_factory.mktemp("shared-emulator"), config=FAST) as emu:
        yield emu


@pytest.fixture
def emu(shared_emu):
    """The shared emulator, reset to its initial state before each test."""
    shared_emu.reset()
    return shared_emu


@pytest.fixture
def api(emu):
    client = Api(emu)
    yield client
    client.http.close()
