# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Address entries: canonical forms, every malformed form, checks and probe targets.

Only documentation ranges and loopback/private examples appear; nothing here connects anywhere.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import random
import sys

import pytest
from ansible_collections.alimail.gateways.plugins.module_utils import _addresses
from ansible_collections.alimail.gateways.plugins.module_utils._addresses import (
    Entry,
    canonical,
    check_breadth,
    check_routable,
    first_single,
    parse_field,
    probe_targets,
    same,
    single_text,
    to_field,
)
from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    AlimailError,
    InputError,
)
from hypothesis import given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=200, deadline=None, database=None)
ALLOW = "; set allow_private_addresses=true to allow it"


def texts(value, **kwargs):
    return canonical(parse_field("addresses", value, **kwargs))


def refused(value, fragment, option="addresses", **kwargs):
    with pytest.raises(InputError) as info:
        parse_field(option, value, **kwargs)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"option {option}: ")
    return info.value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("203.0.113.10", ["203.0.113.10"]),
        ("  203.0.113.10  ", ["203.0.113.10"]),
        ("203.0.113.10:2525", ["203.0.113.10:2525"]),
        ("203.0.113.10:25", ["203.0.113.10:25"]),
        ("2001:DB8::10", ["2001:db8::10"]),
        ("2001:0db8:0000:0000:0000:0000:0000:0010", ["2001:db8::10"]),
        ("2001:db8:0:0:1:0:0:1", ["2001:db8::1:0:0:1"]),
        ("2001:db8::1:25", ["2001:db8::1:25"]),
        ("[2001:DB8::10]:2525", ["[2001:db8::10]:2525"]),
        ("[2001:db8::10]", ["2001:db8::10"]),
        ("::ffff:203.0.113.1", ["::ffff:203.0.113.1"]),
        ("::FFFF:CB00:7101", ["::ffff:203.0.113.1"]),
        ("203.0.113.0/28", ["203.0.113.0/28"]),
        ("203.0.113.0 / 28", ["203.0.113.0/28"]),
        ("203.0.113.7/32", ["203.0.113.7/32"]),
        ("2001:DB8::/112", ["2001:db8::/112"]),
        ("2001:db8::1/128", ["2001:db8::1/128"]),
        ("203.0.113.10-203.0.113.20", ["203.0.113.10-203.0.113.20"]),
        (" 203.0.113.10 - 203.0.113.20 ", ["203.0.113.10-203.0.113.20"]),
        ("203.0.113.5-203.0.113.5", ["203.0.113.5-203.0.113.5"]),
        ("2001:db8::1-2001:DB8::00ff", ["2001:db8::1-2001:db8::ff"]),
        ("10.0.0.0-10.0.255.255", ["10.0.0.0-10.0.255.255"]),
        ("10.0.0.0/16", ["10.0.0.0/16"]),
    ],
)
def test_canonical_forms(value, expected):
    assert texts(value) == expected


def test_list_elements_commas_duplicates_and_numeric_order():
    value = ["203.0.113.10, 203.0.113.9", "2001:db8::1,203.0.113.9", " 198.51.100.1 "]
    assert texts(value) == ["198.51.100.1", "203.0.113.9", "203.0.113.10", "2001:db8::1"]


def test_same_start_different_forms_are_distinct_entries():
    assert texts("203.0.113.4-203.0.113.4, 203.0.113.4/32, 203.0.113.4, 203.0.113.4:25") == [
        "203.0.113.4",
        "203.0.113.4/32",
        "203.0.113.4-203.0.113.4",
        "203.0.113.4:25",
    ]


def test_entry_fields():
    cidr, address, rng = parse_field(
        "addresses", "203.0.113.0/30, 203.0.113.9:2525, 2001:db8::1-2001:db8::3"
    )
    assert cidr == Entry("203.0.113.0/30", "cidr", 4, 0xCB007100, 0xCB007103, None)
    assert cidr.size == 4
    assert address.port == 2525 and address.kind == "address" and address.size == 1
    assert address.sort_key == (4, 0xCB007109, 0xCB007109, 2525)
    assert rng.kind == "range" and rng.version == 6 and rng.size == 3


@pytest.mark.parametrize(
    "value",
    [
        "203.0.113.256",
        "203.0.113",
        "203.0.113.1.2",
        "01.2.3.4",
        "203.0.113.01",
        "0x1.2.3.4",
        "3405803777",
        "example.com",
        "mail.example.com:25",
        "2001:db8:::1",
        "2001:db8::g",
        "1:2:3:4:5:6:7:8:9",
        "fe80::1%eth0",
        "[2001:db8::1",
        "[2001:db8::1]25",
        "[example]:25",
        "203.0.113.1:2525:1",
        "203.0.113.0:25/28",
        "[2001:db8::]/64",
        "*",
    ],
)
def test_malformed_addresses(value):
    refused(value, "is not an IPv4 or IPv6 address, address:port, CIDR block or range")


def test_malformed_message_names_option_value_and_rule():
    error = refused(["203.0.113.1, 203.0.113.999"], "'203.0.113.999'")
    assert str(error) == (
        "option addresses: '203.0.113.999' is not an IPv4 or IPv6 address, address:port, "
        "CIDR block or range"
    )
    assert error.option == "addresses"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("203.0.113.1:0", "has port 0; a port is 1 to 65535"),
        ("203.0.113.1:65536", "has port 65536; a port is 1 to 65535"),
        ("[2001:db8::1]:70000", "has port 70000"),
        ("[2001:db8::1]:0", "has port 0"),
        ("203.0.113.1:", "has a port that is not a number from 1 to 65535"),
        ("203.0.113.1:smtp", "has a port that is not a number"),
        ("203.0.113.1:\u0662\u0665", "has a port that is not a number"),
        ("[2001:db8::1]:", "has a port that is not a number"),
    ],
)
def test_bad_ports(value, fragment):
    refused(value, fragment)


def test_ports_at_the_limits():
    assert texts("203.0.113.1:1, [2001:db8::1]:65535") == ["203.0.113.1:1", "[2001:db8::1]:65535"]


def test_ipv4_in_brackets_is_refused_with_the_right_spelling():
    refused("[203.0.113.1]:25", "write 203.0.113.1:25 without them")


def test_space_inside_an_entry():
    refused("203.0.113.1 203.0.113.2", "has a space inside an entry; separate entries with commas")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("203.0.113.0/33", "has prefix length 33; an IPv4 prefix is 0 to 32"),
        ("2001:db8::/129", "has prefix length 129; an IPv6 prefix is 0 to 128"),
        ("203.0.113.0/", "has a prefix length that is not a number from 0 to 32"),
        ("203.0.113.0/x", "not a number"),
        ("203.0.113.0/255.255.255.0", "not a number"),
        ("203.0.113.0/-1", "is not a range"),
        ("203.0.113.5/24", "has host bits set; write the network 203.0.113.0/24"),
        ("203.0.113.1/31", "write the network 203.0.113.0/31"),
        ("2001:db8::1/112", "write the network 2001:db8::/112"),
        ("10.0.0.0/15", "covers 131072 addresses; a CIDR block or range covers at most 65536"),
        ("2001:db8::/111", "covers 131072 addresses"),
        ("0.0.0.0/0", "covers 4294967296 addresses"),
    ],
)
def test_bad_cidr_blocks(value, fragment):
    refused(value, fragment)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (
            "203.0.113.20-203.0.113.10",
            "is a reversed range: the first address is greater than the last",
        ),
        ("2001:db8::2-2001:db8::1", "is a reversed range"),
        ("203.0.113.1-2001:db8::1", "mixes IPv4 and IPv6; both ends of a range are one family"),
        ("10.0.0.0-10.1.0.0", "covers 65537 addresses; a CIDR block or range covers at most"),
        ("2001:db8::-2001:db8::1:0", "covers 65537 addresses"),
        ("203.0.113.1-", "is not a range of two IPv4 or IPv6 addresses (first-last)"),
        ("-203.0.113.1", "is not a range"),
        ("203.0.113.1-203.0.113.2-203.0.113.3", "is not a range"),
        ("203.0.113.1:25-203.0.113.2", "is not a range"),
        ("203.0.113.0/30-203.0.113.9", "is not a range"),
        ("203.0.113.1:-1", "is not a range"),
    ],
)
def test_bad_ranges(value, fragment):
    refused(value, fragment)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ([], "[] is empty; give at least one address entry"),
        ("", "'' is an empty entry"),
        ("   ", "is an empty entry"),
        ([""], "is an empty entry"),
        (["203.0.113.1", " "], "is an empty entry"),
        ("203.0.113.1,,203.0.113.2", "has an empty entry; remove the stray comma"),
        ("203.0.113.1,", "has an empty entry; remove the stray comma"),
        (",203.0.113.1", "has an empty entry"),
        ([5], "5 is not a string of address entries"),
    ],
)
def test_empty_entries_and_lists(value, fragment):
    refused(value, fragment)


def test_lenient_parse_of_service_values():
    stored = " 203.0.113.5/24 ,, 10.0.0.0/8 , 2001:db8::/64,"
    assert texts(stored, strict=False) == ["10.0.0.0/8", "203.0.113.0/24", "2001:db8::/64"]
    assert parse_field("gatewayAddress", "", strict=False) == []
    refused("203.0.113.20-203.0.113.1", "is a reversed range", option="x", strict=False)


def test_same_to_field_and_canonical():
    a = parse_field("addresses", "203.0.113.2, 2001:DB8::1, 203.0.113.1")
    b = parse_field("addresses", ["2001:db8:0:0:0:0:0:1", "203.0.113.1,203.0.113.2"])
    assert same(a, b)
    assert not same(a, b[:-1])
    assert to_field(a) == "203.0.113.1,203.0.113.2,2001:db8::1"
    assert canonical(list(reversed(a))) == canonical(a)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("127.0.0.1", "'127.0.0.1' is a loopback address (127.0.0.0/8)"),
        ("127.0.0.1:2525", "is a loopback address"),
        ("10.1.2.3", "is a private address (10.0.0.0/8, RFC 1918)"),
        ("172.16.0.1", "is a private address (172.16.0.0/12, RFC 1918)"),
        ("172.31.255.255", "is a private address (172.16.0.0/12"),
        ("192.168.1.1", "is a private address (192.168.0.0/16"),
        ("100.64.0.1", "is a private address (100.64.0.0/10, shared address space)"),
        ("169.254.1.1", "is a link-local address"),
        ("224.0.0.1", "is a multicast address"),
        ("239.255.255.255", "is a multicast address"),
        ("240.0.0.1", "is a reserved address (240.0.0.0/4)"),
        ("255.255.255.255", "is a reserved address (255.255.255.255, limited broadcast)"),
        ("0.0.0.0", "is an unspecified address"),
        ("0.1.2.3", "is a reserved address (0.0.0.0/8, this network)"),
        ("::1", "is a loopback address (::1)"),
        ("[::1]:2525", "is a loopback address"),
        ("::", "is an unspecified address"),
        ("fc00::1", "is a private address (fc00::/7, unique local)"),
        ("fd12:3456::1", "is a private address"),
        ("fe80::1", "is a link-local address"),
        ("ff02::1", "is a multicast address"),
        ("::ffff:203.0.113.1", "is a reserved address (::ffff:0:0/96, IPv4-mapped"),
        ("::203.0.113.1", "is a reserved address (::/8)"),
        ("4000::1", "is a reserved address (4000::/2, outside global unicast 2000::/3)"),
        ("fec0::1", "is a reserved address"),
        ("10.0.0.0/24", "'10.0.0.0/24' includes private addresses (10.0.0.0/8"),
        ("9.255.255.255-10.0.0.0", "includes private addresses"),
        ("fe80::/112", "includes link-local addresses"),
    ],
)
def test_unroutable_entries_are_refused(value, fragment):
    entries = parse_field("addresses", value)
    with pytest.raises(InputError) as info:
        check_routable("addresses", entries)
    assert fragment in str(info.value)
    assert str(info.value).endswith(ALLOW)


@pytest.mark.parametrize(
    "value",
    [
        "192.0.2.1",
        "198.51.100.7:2525",
        "203.0.113.0/24",
        "192.0.2.10-192.0.2.20",
        "2001:db8::1",
        "[2001:db8::25]:587",
        "2001:db8::/112",
    ],
)
def test_documentation_ranges_are_allowed(value):
    check_routable("addresses", parse_field("addresses", value))


def test_breadth_limit():
    check_breadth("egress_addresses", parse_field("x", "203.0.113.0/24, 2001:db8::-2001:db8::ff"))
    with pytest.raises(InputError) as info:
        check_breadth("egress_addresses", parse_field("x", "2001:db8::-2001:db8::100"))
    assert str(info.value) == (
        "option egress_addresses: '2001:db8::-2001:db8::100' covers 257 addresses, more than 256; "
        "set allow_broad_egress=true to allow it"
    )
    with pytest.raises(InputError, match="covers 16 addresses, more than 8"):
        check_breadth("egress_addresses", parse_field("x", "203.0.113.0/28"), limit=8)


def hosts(value, default_port=25, max_targets=1000):
    targets, left = probe_targets(parse_field("x", value, strict=False), default_port, max_targets)
    return [single_text(ip, port) for ip, port in targets], left


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("203.0.113.9", ["203.0.113.9"]),
        ("203.0.113.9:2525", ["203.0.113.9:2525"]),
        ("[2001:db8::9]:2525", ["[2001:db8::9]:2525"]),
        ("203.0.113.0/30", ["203.0.113.1", "203.0.113.2"]),
        ("203.0.113.0/31", ["203.0.113.0", "203.0.113.1"]),
        ("203.0.113.7/32", ["203.0.113.7"]),
        ("203.0.113.1-203.0.113.3", ["203.0.113.1", "203.0.113.2", "203.0.113.3"]),
        ("2001:db8::/126", ["2001:db8::1", "2001:db8::2", "2001:db8::3"]),
        ("2001:db8::/127", ["2001:db8::", "2001:db8::1"]),
        ("2001:db8::5/128", ["2001:db8::5"]),
        ("203.0.113.1, 203.0.113.0/30", ["203.0.113.1", "203.0.113.2"]),
    ],
)
def test_probe_targets_expansion(value, expected):
    assert hosts(value) == (expected, 0)


def test_probe_targets_default_port_and_entry_order():
    entries = parse_field("x", "203.0.113.9:2525, 198.51.100.1, 2001:db8::1")
    assert probe_targets(entries, 587, 10) == (
        [("198.51.100.1", 587), ("203.0.113.9", 2525), ("2001:db8::1", 587)],
        0,
    )


def test_probe_targets_stop_at_max_and_count_the_rest():
    targets, left = hosts("203.0.113.0/28, 198.51.100.0/24", max_targets=16)
    assert len(targets) == 16
    assert targets[0] == "198.51.100.1" and targets[-1] == "198.51.100.16"
    assert left == 254 + 14 - 16
    assert hosts("203.0.113.0/28", max_targets=0) == ([], 14)


def test_probe_targets_never_expand_what_they_do_not_probe():
    # Expanding a /64 would never end; the run's timeout is what catches a regression here.
    targets, left = hosts("10.0.0.0/8, 2001:db8::/64", max_targets=16)
    assert len(targets) == 16
    assert left == (2**24 - 2) + (2**64 - 1) - 16


def test_probe_targets_count_overlaps_once():
    assert hosts("203.0.113.0/29, 203.0.113.1-203.0.113.10", max_targets=3) == (
        ["203.0.113.1", "203.0.113.2", "203.0.113.3"],
        7,
    )


def test_first_single():
    assert first_single(parse_field("x", "203.0.113.9:2525, 203.0.113.20")).text == (
        "203.0.113.9:2525"
    )
    first = first_single(parse_field("x", "203.0.113.16/28"))
    assert first == Entry("203.0.113.17", "address", 4, first.first, first.first, None)
    assert first_single(parse_field("x", "203.0.113.5-203.0.113.9")).text == "203.0.113.5"
    assert first_single(parse_field("x", "2001:db8::/120")).text == "2001:db8::1"
    with pytest.raises(ValueError, match="at least one entry"):
        first_single([])


@pytest.mark.parametrize(
    ("ip", "port", "default", "expected"),
    [
        ("203.0.113.1", None, 25, "203.0.113.1"),
        ("203.0.113.1", 25, 25, "203.0.113.1"),
        ("203.0.113.1", 2525, 25, "203.0.113.1:2525"),
        ("2001:db8::1", 25, 25, "2001:db8::1"),
        ("2001:db8::1", 2525, 25, "[2001:db8::1]:2525"),
        ("203.0.113.1", 25, 2525, "203.0.113.1:25"),
    ],
)
def test_single_text(ip, port, default, expected):
    assert single_text(ip, port, default) == expected


def test_thousand_entries_parse():
    value = ",".join(
        [f"203.0.113.{i % 256}:{1000 + i}" for i in range(400)]
        + [f"2001:DB8::{i:x}" for i in range(300)]
        + [f"198.51.100.{i}/32" for i in range(150)]
        + [f"192.0.2.{i}-192.0.2.{i + 100}" for i in range(150)]
    )
    entries = parse_field("addresses", value)
    assert len(entries) == 1000


def test_missing_netaddr_says_how_to_install(monkeypatch):
    _addresses._lib.cache_clear()
    monkeypatch.setitem(sys.modules, "netaddr", None)
    try:
        with pytest.raises(AlimailError, match=r"netaddr is required on the Ansible controller"):
            parse_field("addresses", "203.0.113.1")
    finally:
        monkeypatch.undo()
        _addresses._lib.cache_clear()
    assert texts("203.0.113.1") == ["203.0.113.1"]


def test_module_imports_without_netaddr(monkeypatch):
    monkeypatch.setitem(sys.modules, "netaddr", None)
    spec = importlib.util.spec_from_file_location("_addresses_copy", _addresses.__file__)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    assert module.single_text("203.0.113.1", 2525) == "203.0.113.1:2525"


# Property tests: every spelling of the same set is the same set, a different set never is.

DOC_V4 = (0xC0000200, 0xC6336400, 0xCB007100)  # 192.0.2.0, 198.51.100.0, 203.0.113.0 (/24 each)
DOC_V6 = 0x20010DB8 << 96


@st.composite
def v4_value(draw):
    return draw(st.sampled_from(DOC_V4)) + draw(st.integers(0, 255))


@st.composite
def v6_value(draw):
    # Zeroing a random set of groups gives the runs of zeros that compression folds.
    value, zeros = draw(st.integers(0, 2**96 - 1)), draw(st.integers(0, 63))
    for group in range(6):
        if zeros & (1 << group):
            value &= ~(0xFFFF << (16 * group))
    return DOC_V6 | value


@st.composite
def spec(draw):
    """A semantic entry: (kind, version, first, last, port)."""
    version = draw(st.sampled_from((4, 6)))
    value = draw(v4_value() if version == 4 else v6_value())
    kind = draw(st.sampled_from(("address", "address", "cidr", "range")))
    if kind == "address":
        port = draw(st.one_of(st.none(), st.integers(1, 65535)))
        return ("address", version, value, value, port)
    if kind == "cidr":
        # At most 7 host bits, so a block and its neighbour stay inside one documentation /24.
        host_bits = draw(st.integers(0, 7))
        first = value & ~((1 << host_bits) - 1)
        return ("cidr", version, first, first | ((1 << host_bits) - 1), None)
    width = draw(st.integers(0, 255 if version == 4 else 65535))
    # IPv4 ranges stay inside their documentation /24.
    last = min(value + width, value | 0xFF) if version == 4 else value + width
    return ("range", version, value, last, None)


def v6_spelling(rnd, value):
    address = ipaddress.IPv6Address(value)
    text = rnd.choice(
        (
            address.compressed,
            address.exploded,
            ":".join(f"{(value >> (16 * i)) & 0xFFFF:x}" for i in reversed(range(8))),
        )
    )
    return text.upper() if rnd.random() < 0.5 else text


def spelling(rnd, item):
    """One way to write a semantic entry, with blanks around it."""
    kind, version, first, last, port = item

    def address(value):
        return str(ipaddress.IPv4Address(value)) if version == 4 else v6_spelling(rnd, value)

    if kind == "address":
        text = address(first)
        if port is not None:
            text = f"[{text}]:{port}" if version == 6 else f"{text}:{port}"
        elif version == 6 and rnd.random() < 0.3:
            text = f"[{text}]"
    elif kind == "cidr":
        prefix = (32 if version == 4 else 128) - (last - first + 1).bit_length() + 1
        text = f"{address(first)}/{prefix}"
    else:
        pad = rnd.choice(("", " ", "  "))
        text = f"{address(first)}{pad}-{pad}{address(last)}"
    return f"{rnd.choice(('', ' ', chr(9), '  '))}{text}{rnd.choice(('', ' ', '  '))}"


@st.composite
def spelled_list(draw, items):
    """The items re-ordered, duplicated, re-spaced and re-spelled, in one or several elements."""
    # A seeded Random keeps the many small choices cheap; the seed still reproduces a failure.
    rnd = random.Random(draw(st.integers(0, 2**32)))
    chosen = list(items) + rnd.choices(items, k=rnd.randint(0, 3))
    rnd.shuffle(chosen)
    words = [spelling(rnd, item) for item in chosen]
    if len(words) == 1 or rnd.random() < 0.5:
        return ",".join(words)
    cut = rnd.randint(1, len(words) - 1)
    return [",".join(words[:cut]), ",".join(words[cut:])]


SPECS = st.lists(spec(), min_size=1, max_size=8, unique=True)


@PROPERTY
@given(st.data(), SPECS)
def test_every_spelling_of_a_set_is_the_same_set(data, items):
    base = parse_field("addresses", data.draw(spelled_list(items)))
    other = parse_field("addresses", data.draw(spelled_list(items)))
    assert canonical(base) == canonical(other)
    assert same(base, other)
    assert len(base) == len(items)
    assert {(e.kind, e.version, e.first, e.last, e.port) for e in base} == set(items)
    assert canonical(parse_field("addresses", to_field(base))) == canonical(base)


def mutate(rnd, items, extra):
    """A near miss of items: one entry dropped, added, re-ported, re-kinded or moved by one."""
    items = list(items)
    index = rnd.randrange(len(items))
    kind, version, first, last, port = items[index]
    how = rnd.choice(("drop", "add", "port", "kind", "shift"))
    if how == "drop" and len(items) > 1:
        del items[index]
    elif how == "port" and kind == "address":
        items[index] = (kind, version, first, last, 25 if port is None else port % 65535 + 1)
    elif how == "kind":
        items[index] = ("range" if kind != "range" else "cidr", version, first, first, None)
    elif how == "shift" and kind == "range" and first < last:
        items[index] = (kind, version, first, last - 1, port)
    elif how == "shift" and kind != "range":
        moved = first ^ (last - first + 1)
        items[index] = (kind, version, moved, moved + last - first, port)
    else:
        items.append(extra)
    return items


@PROPERTY
@given(st.data(), SPECS, spec())
def test_a_different_set_is_never_the_same(data, items, extra):
    other = mutate(random.Random(data.draw(st.integers(0, 2**32))), items, extra)
    a = parse_field("addresses", data.draw(spelled_list(items)))
    b = parse_field("addresses", data.draw(spelled_list(other)))
    assert same(a, b) == (set(items) == set(other))
    assert (canonical(a) == canonical(b)) == (set(items) == set(other))
