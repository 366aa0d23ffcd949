# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The gateway model: validation, API and module terms, merge, diff and the returned shape."""

from __future__ import annotations

import pytest
from ansible_collections.alimail.gateways.plugins.module_utils._addresses import parse_field
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    AlimailError,
    InputError,
)
from ansible_collections.alimail.gateways.plugins.module_utils._gateway import (
    KINDS,
    RECEIVING,
    SENDING,
    current_from_api,
    desired_from_params,
    differs,
    merge,
    public,
    to_api,
)
from hypothesis import given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=200, deadline=None, database=None)

SENDING_BODY = {
    "name": "DLP gateway",
    "gatewayAddress": "203.0.113.10:2525, 2001:DB8::10",
    "verificationEmail": "postmaster@Example.COM",
    "enabled": True,
    "updatedAt": "2026-01-05T10:00:00Z",
}
RECEIVING_BODY = {
    "name": "Anti-spam",
    "ingressAddress": "198.51.100.0/30",
    "egressAddress": "198.51.100.1-198.51.100.3,203.0.113.7",
    "verificationEmail": "ops@example.org",
    "enabled": False,
    "updatedAt": "2026-01-05T11:00:00Z",
}
SENDING_PARAMS = {
    "name": "DLP gateway",
    "addresses": ["2001:db8::10", "203.0.113.10:2525"],
    "verification_email": "postmaster@example.com",
    "enabled": True,
}


def error(kind, params):
    with pytest.raises(InputError) as info:
        desired_from_params(kind, params)
    return str(info.value)


def test_kinds():
    assert KINDS == {"sending": SENDING, "receiving": RECEIVING}
    assert SENDING.address_options == ("addresses",)
    assert SENDING.probe_option == "addresses"
    assert RECEIVING.address_options == ("ingress_addresses", "egress_addresses")
    assert RECEIVING.probe_option == "ingress_addresses"
    assert SENDING.api_fields["addresses"] == "gatewayAddress"
    assert RECEIVING.api_fields["ingress_addresses"] == "ingressAddress"
    assert RECEIVING.api_fields["egress_addresses"] == "egressAddress"
    for kind in KINDS.values():
        assert kind.api_fields["verification_email"] == "verificationEmail"
        assert kind.api_fields["updated_at"] == "updatedAt"
        assert hash(kind) == hash(kind)


def test_only_options_that_are_set_are_returned():
    assert desired_from_params(SENDING, {"name": None, "addresses": None}) == {}
    desired = desired_from_params(SENDING, {"enabled": False, "domain": "example.com"})
    assert desired == {"enabled": False}


def test_desired_is_normalised():
    desired = desired_from_params(
        SENDING, {**SENDING_PARAMS, "name": "  DLP gateway ", "verification_email": " a@b.example "}
    )
    assert desired["name"] == "DLP gateway"
    assert desired["verification_email"] == "a@b.example"
    assert [e.text for e in desired["addresses"]] == ["203.0.113.10:2525", "2001:db8::10"]


@pytest.mark.parametrize("name", ["x", "x" * 200, " " + "x" * 200 + " ", "Gateway 1 (DLP)"])
def test_good_names(name):
    assert desired_from_params(SENDING, {"name": name}) == {"name": name.strip()}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("x" * 201, "is 201 characters long; a gateway name has 1 to 200 characters"),
        ("", "'' is empty; a gateway name has 1 to 200 characters"),
        ("   ", "'   ' is only whitespace; a gateway name has 1 to 200 characters"),
        ("\t\n", "is only whitespace"),
        (12, "12 is not a string"),
    ],
)
def test_bad_names(name, rule):
    message = error(SENDING, {"name": name})
    assert message.startswith("option name: ")
    assert rule in message


@pytest.mark.parametrize(
    "email", ["postmaster@example.com", "a.b+tag@mail.example.org", "x@a.b", "o'neil@example.com"]
)
def test_good_emails(email):
    assert desired_from_params(SENDING, {"verification_email": email}) == {
        "verification_email": email
    }


@pytest.mark.parametrize(
    ("email", "rule"),
    [
        ("postmaster.example.com", "has no @; write the address as local@domain"),
        ("ops@", "'ops@' has no domain after @"),
        ("@example.com", "has nothing before @"),
        ("a@b@example.com", "has more than one @"),
        ("ops@localhost", "has no dot in its domain localhost; use a full domain"),
        ("ops @example.com", "contains a space; an email address has none"),
        ("ops@exa mple.com", "contains a space"),
        ("ops@example..com", "has an empty label in its domain example..com"),
        ("ops@.example.com", "has an empty label"),
        ("ops@example.com.", "has an empty label"),
        ("o" * 243 + "@example.com", "is 255 characters long; an email address has at most 254"),
        ("", "has no @"),
        (["ops@example.com"], "is not a string"),
    ],
)
def test_bad_emails(email, rule):
    message = error(SENDING, {"verification_email": email})
    assert message.startswith("option verification_email: ")
    assert rule in message


def test_email_at_the_length_limit():
    email = "o" * 242 + "@example.com"
    assert len(email) == 254
    assert desired_from_params(SENDING, {"verification_email": email})


def test_enabled_must_be_a_boolean():
    assert "option enabled: 'yes' is not a boolean" in error(SENDING, {"enabled": "yes"})


def test_address_errors_name_the_option():
    message = error(RECEIVING, {"egress_addresses": ["198.51.100.1", "198.51.100.1-198.51.100.0"]})
    assert message == (
        "option egress_addresses: '198.51.100.1-198.51.100.0' is a reversed range: "
        "the first address is greater than the last"
    )


def test_private_addresses_need_the_switch():
    params = {"addresses": ["127.0.0.1:2525"]}
    assert "is a loopback address" in error(SENDING, params)
    allowed = desired_from_params(SENDING, {**params, "allow_private_addresses": True})
    assert [e.text for e in allowed["addresses"]] == ["127.0.0.1:2525"]
    assert "option egress_addresses: '10.0.0.0/24' includes private" in error(
        RECEIVING, {"egress_addresses": "10.0.0.0/24"}
    )


def test_broad_egress_needs_the_switch_and_ingress_is_not_capped():
    broad = "2001:db8::/119"
    message = error(RECEIVING, {"egress_addresses": [broad]})
    assert message == (
        "option egress_addresses: '2001:db8::/119' covers 512 addresses, more than 256; "
        "set allow_broad_egress=true to allow it"
    )
    assert desired_from_params(RECEIVING, {"egress_addresses": [broad], "allow_broad_egress": True})
    assert desired_from_params(RECEIVING, {"ingress_addresses": [broad]})
    assert desired_from_params(RECEIVING, {"egress_addresses": ["203.0.113.0/24"]})


def test_current_from_api_none():
    assert current_from_api(SENDING, None) is None
    assert current_from_api(RECEIVING, None) is None


def test_current_from_api_sending():
    state = current_from_api(SENDING, SENDING_BODY)
    assert state["name"] == "DLP gateway"
    assert [e.text for e in state["addresses"]] == ["203.0.113.10:2525", "2001:db8::10"]
    assert state["verification_email"] == "postmaster@Example.COM"
    assert state["enabled"] is True
    assert state["updated_at"] == "2026-01-05T10:00:00Z"


def test_current_from_api_is_lenient_about_stored_spellings():
    body = {"name": "g", "ingressAddress": " 203.0.113.9/24 ,", "egressAddress": "", "enabled": 0}
    state = current_from_api(RECEIVING, body)
    assert [e.text for e in state["ingress_addresses"]] == ["203.0.113.0/24"]
    assert state["egress_addresses"] == []
    assert state["enabled"] is False
    assert state["verification_email"] == ""
    assert "updated_at" not in state


def test_current_from_api_reports_an_unreadable_stored_field():
    with pytest.raises(AlimailError) as info:
        current_from_api(SENDING, {**SENDING_BODY, "gatewayAddress": "mail.example.com"})
    assert not isinstance(info.value, InputError)
    assert str(info.value) == (
        "the service returned a sending gateway whose gatewayAddress entry 'mail.example.com' "
        "is not an IPv4 or IPv6 address, address:port, CIDR block or range"
    )


@pytest.mark.parametrize(("kind", "body"), [(SENDING, SENDING_BODY), (RECEIVING, RECEIVING_BODY)])
def test_api_round_trip(kind, body):
    state = current_from_api(kind, body)
    put = to_api(kind, merge(kind, state, {}, "example.com"))
    assert set(put) == set(body) - {"updatedAt"}
    again = current_from_api(kind, put)
    assert differs(kind, state, again) == []
    assert public(kind, again) == {
        k: v for k, v in public(kind, state).items() if k != "updated_at"
    }


def test_to_api_sending_body():
    result = merge(
        SENDING, None, desired_from_params(SENDING, SENDING_PARAMS), domain="example.com"
    )
    assert to_api(SENDING, result) == {
        "name": "DLP gateway",
        "gatewayAddress": "203.0.113.10:2525,2001:db8::10",
        "verificationEmail": "postmaster@example.com",
        "enabled": True,
    }


def test_to_api_receiving_body():
    desired = desired_from_params(
        RECEIVING,
        {
            "name": "Anti-spam",
            "ingress_addresses": ["198.51.100.2", "198.51.100.1"],
            "egress_addresses": "203.0.113.0/28",
            "verification_email": "ops@example.org",
        },
    )
    assert to_api(RECEIVING, merge(RECEIVING, None, desired, "example.org")) == {
        "name": "Anti-spam",
        "ingressAddress": "198.51.100.1,198.51.100.2",
        "egressAddress": "203.0.113.0/28",
        "verificationEmail": "ops@example.org",
        "enabled": False,
    }


@pytest.mark.parametrize(
    ("kind", "option"),
    [(SENDING, option) for option in SENDING.required]
    + [(RECEIVING, option) for option in RECEIVING.required],
)
def test_create_needs_every_required_option(kind, option):
    params = {
        "name": "g",
        "addresses": "203.0.113.1",
        "ingress_addresses": "203.0.113.1",
        "egress_addresses": "203.0.113.2",
        "verification_email": "ops@example.com",
        option: None,
    }
    desired = desired_from_params(kind, params)
    with pytest.raises(InputError) as info:
        merge(kind, None, desired, "example.com")
    assert info.value.option == option
    assert str(info.value) == (
        f"option {option} is required to create the {kind.name} gateway of example.com"
    )


def test_create_lists_every_missing_option():
    with pytest.raises(InputError) as info:
        merge(RECEIVING, None, {"name": "g"}, "example.org")
    assert str(info.value) == (
        "option ingress_addresses is required to create the receiving gateway of "
        "example.org (also missing: egress_addresses, verification_email)"
    )


def test_create_defaults_to_disabled():
    desired = desired_from_params(SENDING, {**SENDING_PARAMS, "enabled": None})
    assert merge(SENDING, None, desired, "example.com")["enabled"] is False


def test_merge_keeps_what_the_task_leaves_out():
    current = current_from_api(SENDING, SENDING_BODY)
    result = merge(SENDING, current, {"enabled": False}, "example.com")
    assert result["enabled"] is False
    assert result["name"] == current["name"]
    assert result["addresses"] == current["addresses"]
    assert result["verification_email"] == current["verification_email"]
    assert "updated_at" not in result
    assert differs(SENDING, current, result) == ["enabled"]


def test_no_change_when_the_task_restates_the_current_gateway():
    current = current_from_api(SENDING, SENDING_BODY)
    params = {
        "name": " DLP gateway",
        "addresses": ["2001:0db8:0:0:0:0:0:0010", "203.0.113.10:2525", "203.0.113.10:2525"],
        "verification_email": "postmaster@example.com",
        "enabled": True,
    }
    result = merge(SENDING, current, desired_from_params(SENDING, params), "example.com")
    assert differs(SENDING, current, result) == []


@pytest.mark.parametrize(
    ("option", "value", "changed"),
    [
        ("name", "DLP gateway", False),
        ("name", "dlp gateway", True),
        ("name", "DLP  gateway", True),
        ("verification_email", "postmaster@EXAMPLE.com", False),
        ("verification_email", "Postmaster@example.com", True),
        ("verification_email", "postmaster@example.org", True),
        ("enabled", True, False),
        ("enabled", False, True),
        ("addresses", "203.0.113.10:2525,2001:db8::10", False),
        ("addresses", "203.0.113.10,2001:db8::10", True),
        ("addresses", "203.0.113.10:2525", True),
        ("addresses", "203.0.113.10:2525,2001:db8::10,2001:db8::11", True),
    ],
)
def test_differs_per_option(option, value, changed):
    current = current_from_api(SENDING, SENDING_BODY)
    desired = desired_from_params(SENDING, {option: value})
    result = merge(SENDING, current, desired, "example.com")
    assert differs(SENDING, current, result) == ([option] if changed else [])


def test_differs_on_create_lists_every_option():
    result = merge(
        RECEIVING,
        None,
        desired_from_params(
            RECEIVING,
            {
                "name": "g",
                "ingress_addresses": "203.0.113.1",
                "egress_addresses": "203.0.113.2",
                "verification_email": "ops@example.org",
            },
        ),
        "example.org",
    )
    assert differs(RECEIVING, None, result) == [
        "name",
        "ingress_addresses",
        "egress_addresses",
        "verification_email",
        "enabled",
    ]


def test_differs_receiving_egress_only():
    current = current_from_api(RECEIVING, RECEIVING_BODY)
    desired = desired_from_params(RECEIVING, {"egress_addresses": "203.0.113.7"})
    result = merge(RECEIVING, current, desired, "example.org")
    assert differs(RECEIVING, current, result) == ["egress_addresses"]


def test_public_shapes():
    assert public(SENDING, None) == {}
    assert public(RECEIVING, None) == {}
    assert public(SENDING, current_from_api(SENDING, SENDING_BODY)) == {
        "name": "DLP gateway",
        "addresses": ["203.0.113.10:2525", "2001:db8::10"],
        "verification_email": "postmaster@Example.COM",
        "enabled": True,
        "updated_at": "2026-01-05T10:00:00Z",
    }
    assert public(RECEIVING, current_from_api(RECEIVING, RECEIVING_BODY)) == {
        "name": "Anti-spam",
        "ingress_addresses": ["198.51.100.0/30"],
        "egress_addresses": ["198.51.100.1-198.51.100.3", "203.0.113.7"],
        "verification_email": "ops@example.org",
        "enabled": False,
        "updated_at": "2026-01-05T11:00:00Z",
    }


def test_public_sorts_entries_and_leaves_out_a_missing_updated_at():
    state = {
        "name": "g",
        "addresses": list(reversed(parse_field("addresses", "203.0.113.9, 203.0.113.10"))),
        "verification_email": "ops@example.com",
        "enabled": False,
    }
    assert public(SENDING, state) == {
        "name": "g",
        "addresses": ["203.0.113.9", "203.0.113.10"],
        "verification_email": "ops@example.com",
        "enabled": False,
    }


SPELLINGS = {
    "203.0.113.10:2525": ["203.0.113.10:2525"],
    "2001:db8::10": ["2001:db8::10", "2001:DB8::10", "2001:0db8:0:0:0:0:0:10", "[2001:db8::10]"],
    "198.51.100.0/30": ["198.51.100.0/30", "198.51.100.0 / 30"],
    "203.0.113.20-203.0.113.30": ["203.0.113.20-203.0.113.30", "203.0.113.20 - 203.0.113.30"],
}


@PROPERTY
@given(
    st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, unique=True),
    st.randoms(use_true_random=False),
)
def test_any_spelling_of_the_stored_field_is_no_change(entries, rnd):
    current = current_from_api(SENDING, {**SENDING_BODY, "gatewayAddress": ", ".join(entries)})
    spelled = [rnd.choice(SPELLINGS[entry]) for entry in entries]
    spelled += rnd.sample(spelled, rnd.randint(0, len(spelled)))
    rnd.shuffle(spelled)
    desired = desired_from_params(SENDING, {"addresses": spelled})
    result = merge(SENDING, current, desired, "example.com")
    assert differs(SENDING, current, result) == []
    assert public(SENDING, result)["addresses"] == public(SENDING, current)["addresses"]


@PROPERTY
@given(
    st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, unique=True),
    st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, unique=True),
)
def test_a_different_stored_set_always_differs(stored, wanted):
    current = current_from_api(SENDING, {**SENDING_BODY, "gatewayAddress": ",".join(stored)})
    desired = desired_from_params(SENDING, {"addresses": wanted})
    changed = differs(SENDING, current, merge(SENDING, current, desired, "example.com"))
    assert changed == ([] if set(stored) == set(wanted) else ["addresses"])
