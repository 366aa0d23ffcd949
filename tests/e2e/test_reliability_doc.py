# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The reliability table counts cases that other suites check; each must still be there."""

from __future__ import annotations

from e2e_cases import REFERENCED, missing_references
from e2e_runner import COLLECTION_ROOT


def test_every_referenced_case_names_an_existing_test():
    missing = missing_references(COLLECTION_ROOT)
    assert not missing, "cases in docs/reliability.md name tests that are gone:\n" + "\n".join(
        missing
    )


def test_referenced_case_ids_are_unique():
    ids = [row.id for row in REFERENCED]
    assert len(ids) == len(set(ids)), f"duplicate case ids: {sorted(ids)}"
