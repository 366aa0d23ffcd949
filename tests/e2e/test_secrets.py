# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every module, in success and failure paths, at -vvvv: neither the client secret nor any
access token the emulator issued appears in stdout, stderr, the results or any file the run
leaves, and the client leaves no token cache behind."""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from dataclasses import dataclass

import pytest
from e2e_cases import case
from e2e_emulator import (
    LEAK_CLIENT_ID,
    LEAK_DOMAIN,
    LEAK_ECHO_DOMAIN,
    gateway_path,
    probe_options,
    smtp_target,
)
from e2e_leaks import TOKEN_SHAPE, find_secrets, live_tokens, texts_of_run, token_candidates
from e2e_runner import Ansible, task

SEND = "alimail.gateways.mail_send_gateway"
RECEIVE = "alimail.gateways.mail_receive_gateway"
INFO = "alimail.gateways.mail_gateway_info"
PROBE = "alimail.gateways.mail_gateway_probe"
WRONG_SECRET = "s3cr3t-wrong-" + secrets.token_hex(8)
HEADER = re.compile(r"^TASK \[(?P<name>[^\]]+)\] \*+$", re.MULTILINE)


@dataclass(frozen=True)
class Scenario:
    id: str
    module: str
    fails: bool
    what: str


SCENARIOS = (
    Scenario("secret-send-enable", SEND, False, "create and enable: probe, service test, write"),
    Scenario("secret-send-check-diff", SEND, False, "check mode with --diff"),
    Scenario("secret-send-probe-fails", SEND, True, "move to an address that refuses RCPT"),
    Scenario("secret-send-bad-input", SEND, True, "a malformed address"),
    Scenario("secret-send-wrong-secret", SEND, True, "a wrong client secret (InvalidClient)"),
    Scenario("secret-send-secret-in-url", SEND, True, "the secret written into api_url"),
    Scenario("secret-send-echoed", SEND, True, "the service's error message echoes the secret"),
    Scenario("secret-receive-enable", RECEIVE, False, "create and enable"),
    Scenario("secret-receive-foreign-domain", RECEIVE, True, "a domain of another organisation"),
    Scenario("secret-info-read", INFO, False, "read two domains"),
    Scenario("secret-info-foreign-domain", INFO, True, "a domain of another organisation"),
    Scenario("secret-probe-passes", PROBE, False, "probe an accepting gateway"),
    Scenario("secret-probe-fails", PROBE, True, "probe a gateway that refuses RCPT"),
)


def _env(name: str) -> str:
    return "{{ lookup('ansible.builtin.env', '" + name + "') }}"


def _task(scenario: Scenario, emu) -> dict:
    accept, reject = smtp_target(emu, "accept"), smtp_target(emu, "reject_rcpt")
    email = f"ops@{LEAK_DOMAIN}"
    local = {"allow_private_addresses": True, "probe": probe_options()}
    create = {"name": "Relay", "addresses": [accept], "verification_email": email, **local}
    args, keywords = {
        "secret-send-enable": ({"domain": LEAK_DOMAIN, **create, "enabled": True}, {}),
        "secret-send-check-diff": (
            {"domain": LEAK_DOMAIN, "name": "Renamed"},
            {"check_mode": True, "diff": True},
        ),
        "secret-send-probe-fails": ({"domain": LEAK_DOMAIN, "addresses": [reject], **local}, {}),
        "secret-send-bad-input": ({"domain": LEAK_DOMAIN, "addresses": ["192.0.2.300"]}, {}),
        "secret-send-wrong-secret": (
            {"domain": LEAK_DOMAIN, "name": "x", "client_secret": _env("LEAK_WRONG_SECRET")},
            {},
        ),
        "secret-send-secret-in-url": (
            {"domain": LEAK_DOMAIN, "name": "x", "api_url": _env("LEAK_SECRET_URL")},
            {},
        ),
        "secret-send-echoed": (
            {"domain": LEAK_ECHO_DOMAIN, **create, "enabled": False, "probe": {"when": "never"}},
            {},
        ),
        "secret-receive-enable": (
            {
                "domain": LEAK_DOMAIN,
                "name": "Inbound",
                "ingress_addresses": [accept],
                "egress_addresses": ["127.0.0.2"],
                "verification_email": email,
                "enabled": True,
                **local,
            },
            {},
        ),
        "secret-receive-foreign-domain": ({"domain": "example.com", "name": "x"}, {}),
        "secret-info-read": ({"domains": [LEAK_DOMAIN, LEAK_ECHO_DOMAIN]}, {}),
        "secret-info-foreign-domain": ({"domain": "example.org"}, {}),
        "secret-probe-passes": (
            {"domain": LEAK_DOMAIN, "addresses": [accept], "verification_email": email, **local},
            {},
        ),
        "secret-probe-fails": (
            {"domain": LEAK_DOMAIN, "addresses": [reject], "verification_email": email, **local},
            {},
        ),
    }[scenario.id]
    return task(scenario.id, scenario.module, args, **keywords)


OUTCOME = "neither the secret nor an issued token in its stdout section or its result"


def _leak_run(emu, directory, leak_secret, scenarios, label: str) -> dict:
    emu.reset()
    # The service's error text carries the secret; the client must scrub it.
    emu.add_fault(
        method="PUT",
        path=gateway_path(LEAK_ECHO_DOMAIN),
        status=500,
        count=3,
        message=f"backend rejected credentials {leak_secret} for {LEAK_CLIENT_ID}",
    )
    port = emu.api_url.rpartition(":")[2]
    # The secrets reach the play through the environment: a failed task's error shows the
    # playbook lines around it, so a secret written into the playbook would show there.
    run = Ansible(directory).run(
        [_task(scenario, emu) for scenario in scenarios],
        label=label,
        verbosity=4,
        env={
            "LEAK_SECRET": leak_secret,
            "LEAK_WRONG_SECRET": WRONG_SECRET,
            "LEAK_SECRET_URL": f"http://{LEAK_CLIENT_ID}:{leak_secret}@127.0.0.1:{port}",
        },
        module_defaults={
            "group/alimail.gateways.all": {
                "api_url": emu.api_url,
                "client_id": LEAK_CLIENT_ID,
                "client_secret": _env("LEAK_SECRET"),
                "api_retries": 3,
                "api_timeout": 5,
            }
        },
    )
    texts = texts_of_run(run)
    candidates = set()
    for text in texts.values():
        candidates |= token_candidates(text)
    tokens = live_tokens(emu, candidates, LEAK_DOMAIN)
    issued = sum(
        1 for e in emu.requests() if e["path"] == "/oauth2/v2.0/token" and e["status"] == 200
    )
    return {"run": run, "texts": texts, "tokens": tokens, "issued": issued}


SEND_SCENARIOS = tuple(s for s in SCENARIOS if s.module == SEND)
OTHER_SCENARIOS = tuple(s for s in SCENARIOS if s.module != SEND)


@pytest.fixture(scope="module")
def send_run(emulators, tmp_path_factory, leak_secret):
    directory = tmp_path_factory.mktemp("secrets-send")
    return _leak_run(emulators, directory, leak_secret, SEND_SCENARIOS, "secrets-send")


@pytest.fixture(scope="module")
def other_run(emulators, tmp_path_factory, leak_secret):
    directory = tmp_path_factory.mktemp("secrets-others")
    return _leak_run(emulators, directory, leak_secret, OTHER_SCENARIOS, "secrets-others")


def _sections(stdout: str) -> dict[str, str]:
    """stdout cut at each TASK [...] header: the text each task printed."""
    heads = list(HEADER.finditer(stdout))
    return {
        head.group("name"): stdout[
            head.start() : heads[i + 1].start() if i + 1 < len(heads) else len(stdout)
        ]
        for i, head in enumerate(heads)
    }


def _secrets(leak_secret) -> dict[str, str]:
    return {"client secret": leak_secret, "wrong client secret": WRONG_SECRET}


def _params(scenarios):
    return [
        pytest.param(
            scenario,
            id=scenario.id.removeprefix("secret-"),
            marks=case(
                scenario.id,
                f"{scenario.module.rpartition('.')[2]} {'failure' if scenario.fails else 'success'}:"
                f" {scenario.what}, at -vvvv",
                OUTCOME,
            ),
        )
        for scenario in scenarios
    ]


def _check_task(leak_run, scenario, leak_secret, record_property) -> None:
    run, tokens = leak_run["run"], leak_run["tokens"]
    result = run[scenario.id]
    assert result.failed is scenario.fails, f"{scenario.id}: unexpected status: {result}"
    section = _sections(run.stdout).get(scenario.id, "")
    assert section, f"{scenario.id}: no stdout section found"
    shown = section + "\n" + json.dumps(result.result)
    leaks = find_secrets(f"{scenario.id} output", shown, _secrets(leak_secret))
    leaks += [f"an issued token in {scenario.id} output" for token in tokens if token in shown]
    record_property("leaks", len(leaks))
    record_property("scanned_runs", 1)
    assert not leaks, f"{scenario.id}: {', '.join(map(str, leaks))}"


def _check_run(leak_run, leak_secret, record_property, least_tokens: int) -> None:
    texts, tokens = leak_run["texts"], leak_run["tokens"]
    leaks = []
    for where, text in texts.items():
        leaks += find_secrets(where, text, _secrets(leak_secret))
    leaks += [f"an issued token ({len(tokens)} live ones found)"] if tokens else []
    record_property("leaks", len(leaks))
    assert leak_run["issued"] >= least_tokens, (
        f"only {leak_run['issued']} tokens were issued: the scan proves little"
    )
    assert not leaks, "; ".join(map(str, leaks))
    for path in leak_run["run"].written_files():
        info = path.stat()
        assert "token" not in path.name.lower(), f"a token cache file was left: {path}"
        assert info.st_uid == os.getuid(), f"{path} is not owned by this user"
        assert stat.S_IMODE(info.st_mode) & 0o077 == 0, (
            f"{path} is readable by others: {oct(info.st_mode)}"
        )


RUN_WIDE = (
    "the whole -vvvv run of {what}: stdout, stderr, results and every file under HOME, TMPDIR, "
    "ANSIBLE_HOME, ANSIBLE_LOCAL_TEMP and ANSIBLE_REMOTE_TMP"
)
RUN_WIDE_OUTCOME = (
    "no secret and no issued token anywhere; no token cache; any file left is 0600 and the user's"
)


# Two runs in two classes, so that they run on two workers.
class TestSendGateway:
    @pytest.mark.parametrize("scenario", _params(SEND_SCENARIOS))
    def test_no_secret_in_a_task_output(self, send_run, scenario, leak_secret, record_property):
        _check_task(send_run, scenario, leak_secret, record_property)

    @case("secret-run-wide-send", RUN_WIDE.format(what="mail_send_gateway"), RUN_WIDE_OUTCOME)
    def test_no_secret_or_token_anywhere(self, send_run, leak_secret, record_property):
        _check_run(send_run, leak_secret, record_property, least_tokens=4)


class TestOtherModules:
    @pytest.mark.parametrize("scenario", _params(OTHER_SCENARIOS))
    def test_no_secret_in_a_task_output(self, other_run, scenario, leak_secret, record_property):
        _check_task(other_run, scenario, leak_secret, record_property)

    @case(
        "secret-run-wide-others",
        RUN_WIDE.format(what="mail_receive_gateway, mail_gateway_info and mail_gateway_probe"),
        RUN_WIDE_OUTCOME,
    )
    def test_no_secret_or_token_anywhere(self, other_run, leak_secret, record_property):
        _check_run(other_run, leak_secret, record_property, least_tokens=3)


def test_the_token_scan_finds_a_live_token(emulators, leak_secret):
    """The scan above is only worth something if it would see a token: check it on a real one."""
    token = emulators.token(LEAK_CLIENT_ID, leak_secret)
    assert TOKEN_SHAPE.fullmatch(token), (
        f"issued tokens no longer have the scanned shape: {len(token)} chars"
    )
    found = token_candidates(f"noise {token}, more noise")
    assert live_tokens(emulators, found, LEAK_DOMAIN) == {token}, "the live check missed a token"
