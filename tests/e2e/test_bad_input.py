# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every bad input fails before any request, through a real ansible-playbook run, with a
message that names the option; the emulator's request log stays empty."""

from __future__ import annotations

import pytest
from bad_input_cases import BAD_INPUTS, valid_args
from e2e_batch import run_batch
from e2e_cases import case
from e2e_emulator import case_domain, connection
from e2e_runner import Case

OUTCOME = "fails before any request (request log empty) with a message naming {names}"
DEFECT = (
    "fails before any request (request log empty); known ansible-core 2.19 defect: "
    "the message names no option"
)
DOMAINS = {bad.id: case_domain(bad.id) for bad in BAD_INPUTS}
HALVES = {"first": BAD_INPUTS[: len(BAD_INPUTS) // 2], "second": BAD_INPUTS[len(BAD_INPUTS) // 2 :]}


def _outcome(bad) -> str:
    return DEFECT if bad.defect else OUTCOME.format(names=", ".join(bad.names))


def _params(half: str):
    return [
        pytest.param(
            bad, id=bad.id.removeprefix("input-"), marks=case(bad.id, bad.simulated, _outcome(bad))
        )
        for bad in HALVES[half]
    ]


def _batch(emu, tmp_path_factory, half: str):
    cases = [
        Case(bad.id, bad.module, valid_args(bad, DOMAINS[bad.id], connection(emu)))
        for bad in HALVES[half]
    ]
    return run_batch(emu, tmp_path_factory.mktemp(f"bad-input-{half}"), cases, label="bad-input")


@pytest.fixture(scope="module")
def first_batch(emulators, tmp_path_factory):
    return _batch(emulators, tmp_path_factory, "first")


@pytest.fixture(scope="module")
def second_batch(emulators, tmp_path_factory):
    return _batch(emulators, tmp_path_factory, "second")


def _check(batch, bad) -> None:
    result = batch.run.case(bad.id)
    assert result.failed, f"{bad.id}: the bad input was accepted: {result}"
    mine = batch.log.touching(DOMAINS[bad.id])
    assert len(mine) == 0, f"{bad.id}: requests were sent: {mine.lines()}"
    assert len(batch.log) == 0, f"a bad input reached the API: {batch.log.lines()}"
    for text in bad.hidden:
        assert text not in result.msg, f"{bad.id}: the message shows {text!r}: {result.msg}"
    unnamed = [name for name in bad.names if name not in result.msg]
    if bad.defect:
        # Known and reported; once fixed, this fails so that the defect note is removed.
        assert unnamed, f"{bad.id}: the defect is fixed, remove its note: {bad.defect}"
        pytest.xfail(f"{bad.defect} (message: {result.msg})")
    assert not unnamed, f"{bad.id}: the message does not name {unnamed}: {result.msg}"


# Two classes, so that the two halves run on two workers.
class TestFirstHalf:
    @pytest.mark.parametrize("bad", _params("first"))
    def test_bad_input_fails_before_any_request(self, first_batch, bad):
        _check(first_batch, bad)


class TestSecondHalf:
    @pytest.mark.parametrize("bad", _params("second"))
    def test_bad_input_fails_before_any_request(self, second_batch, bad):
        _check(second_batch, bad)
