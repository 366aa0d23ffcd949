# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""State survives a restart, and a kill at any step of a write leaves the file either the old
or the new state, never corrupt; the restarted emulator serves what the file says."""

from __future__ import annotations

import http.client
import json

import pytest
from alimail_emulator import crash
from alimail_emulator.harness import Emulators
from alimail_emulator.process import StartError
from emu_support import NO_SMTP, Api, receiving, sending

# Steps before the rename keep the old file; from the rename on, the new one is in place.
OLD_AT = {"before-write", "temp-written", "temp-synced"}


def _temp_files(directory):
    return sorted(p.name for p in directory.glob(".state-*.tmp"))


def test_state_survives_a_restart(tmp_path):
    with Emulators(tmp_path, config=NO_SMTP) as emu:
        api = Api(emu)
        sent = api.put(sending(gatewayAddress="127.0.0.1, ::1"))
        api.put(receiving(), kind="receiving")
        api.http.close()
        emu.restart()
        api = Api(emu)
        read = api.get()
        assert read.json() == sent.json()
        assert read.etag == sent.etag
        assert api.get("receiving").status == 200
        # The ETag read before the restart still guards the next write.
        assert api.put(sending(name="After restart"), etag=sent.etag).status == 200
        api.http.close()
    saved = json.loads((tmp_path / "state.json").read_text())
    assert saved["gateways"]["example.com"]["sending"]["name"] == "After restart"


@pytest.mark.parametrize("step", crash.STEPS)
def test_a_kill_at_every_step_of_a_write_never_corrupts_the_state(tmp_path, step):
    state = tmp_path / "state.json"
    emu = Emulators(tmp_path, config=NO_SMTP, env={crash.ENV_VAR: f"{step}:2"})
    with emu:
        api = Api(emu)
        old = api.put(sending(name="old"))  # state write 1
        old_bytes = state.read_bytes()
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            api.put(sending(name="new"), etag=old.etag)  # state write 2: killed at `step`
        assert emu.process.wait(10) == crash.EXIT_CODE
        after = state.read_bytes()
        saved = json.loads(after)  # never a torn or empty file
        expected = "old" if step in OLD_AT else "new"
        assert saved["gateways"]["example.com"]["sending"]["name"] == expected
        if step in OLD_AT:
            assert after == old_bytes
        assert bool(_temp_files(tmp_path)) == (step in ("temp-written", "temp-synced"))

        emu.start(env={})
        api = Api(emu)
        served = api.get()
        assert served.json()["name"] == expected
        assert served.etag == saved["gateways"]["example.com"]["sending"]["etag"]
        assert emu.state() == saved
        assert _temp_files(tmp_path) == []
        api.http.close()


def test_a_corrupt_state_file_stops_the_start_with_a_clear_error(tmp_path):
    (tmp_path / "state.json").write_text('{"version": 1, "gatew')
    with pytest.raises(StartError, match=r"state file .* cannot be read"):
        Emulators(tmp_path, config=NO_SMTP).start()
    assert (tmp_path / "state.json").read_text() == '{"version": 1, "gatew'


def test_an_unknown_crash_step_is_refused(tmp_path):
    with pytest.raises(StartError, match="step must be one of"):
        Emulators(tmp_path, config=NO_SMTP, env={crash.ENV_VAR: "halfway"}).start()


def test_a_bad_config_is_refused_with_the_key_named(tmp_path):
    with pytest.raises(StartError, match="testWindowSeconds"):
        Emulators(tmp_path, config={"testWindowSeconds": "soon"}).start()
