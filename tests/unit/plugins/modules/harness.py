# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test helper for the info and probe modules: main() with args, and their EXAMPLES as tasks.

The fakes of the API client and the SMTP probe are test_runner's; this adds what the gateway
harness does not need: any module's main(), and the task variables some EXAMPLES refer to.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from ansible.module_utils.testing import patch_module_args
from ansible_collections.alimail.gateways.tests.unit.plugins.module_utils.test_runner import (
    EXAMPLE_ENVIRONMENT,
    LOOKUP,
    SECRET,
)

# "{{ name }}" alone, the only template the EXAMPLES use besides environment lookups.
VARIABLE = re.compile(r"^\{\{ (\w+) \}\}$")


def run_main(capsys, main, args: dict, *, check=False) -> dict:
    """main() of a module with these args; the parsed result, with failed set."""
    full = {**args, "_ansible_check_mode": check}
    capsys.readouterr()
    with patch_module_args(full), pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr().out
    assert SECRET not in out, "the client secret reached the module output"
    assert "********" not in out, "a message carried the client secret (masked by AnsibleModule)"
    result = json.loads(out)
    result.setdefault("failed", False)
    assert (exited.value.code != 0) == result["failed"]
    return result


def _rendered(value, variables: dict):
    if isinstance(value, str):
        match = VARIABLE.match(value)
        if match and match[1] in variables:
            return variables[match[1]]
        return LOOKUP.sub(lambda found: EXAMPLE_ENVIRONMENT[found[1]], value)
    if isinstance(value, list):
        return [_rendered(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: _rendered(item, variables) for key, item in value.items()}
    return value


def example_tasks(module) -> list[tuple[dict, bool]]:
    """(args, check_mode) of each task of the module in its EXAMPLES, with play defaults."""
    fqcn = f"alimail.gateways.{module.__name__.rpartition('.')[2]}"
    tasks = []
    for play in yaml.safe_load(module.EXAMPLES):
        defaults = (play.get("module_defaults") or {}).get("group/alimail.gateways.all", {})
        for task in play["tasks"]:
            if fqcn in task:
                args = _rendered({**defaults, **task[fqcn]}, task.get("vars") or {})
                tasks.append((args, bool(task.get("check_mode"))))
    return tasks


def shape(spec: dict) -> dict:
    """A RETURN entry without its prose: names, types and nesting only."""
    shown = {"type": spec.get("type"), "elements": spec.get("elements")}
    if "contains" in spec:
        shown["contains"] = {name: shape(child) for name, child in spec["contains"].items()}
    return shown
