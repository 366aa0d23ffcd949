# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Address entries of the gateway fields: parsing, canonical spelling, checks, probe targets.

Private to this collection; not a public API. netaddr is imported on first use, so importing
this file needs only the standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ansible_collections.alimail.gateways.plugins.module_utils._errors import (
    AlimailError,
    InputError,
)

MAX_ENTRY_SIZE = 65536
SERVICE_PORT = 25
FORMS = "is not an IPv4 or IPv6 address, address:port, CIDR block or range"
ALLOW_PRIVATE = "set allow_private_addresses=true to allow it"
ALLOW_BROAD = "set allow_broad_egress=true to allow it"
_BITS = {4: 32, 6: 128}
_SPACE = re.compile(r"\s")

# First match wins, so the specific blocks come before the ones that contain them.
_REFUSED = (
    ("unspecified", "0.0.0.0/32", "0.0.0.0"),
    ("reserved", "0.0.0.0/8", "0.0.0.0/8, this network"),
    ("loopback", "127.0.0.0/8", "127.0.0.0/8"),
    ("private", "10.0.0.0/8", "10.0.0.0/8, RFC 1918"),
    ("private", "172.16.0.0/12", "172.16.0.0/12, RFC 1918"),
    ("private", "192.168.0.0/16", "192.168.0.0/16, RFC 1918"),
    ("private", "100.64.0.0/10", "100.64.0.0/10, shared address space"),
    ("link-local", "169.254.0.0/16", "169.254.0.0/16"),
    ("multicast", "224.0.0.0/4", "224.0.0.0/4"),
    ("reserved", "255.255.255.255/32", "255.255.255.255, limited broadcast"),
    ("reserved", "240.0.0.0/4", "240.0.0.0/4"),
    ("unspecified", "::/128", "::"),
    ("loopback", "::1/128", "::1"),
    ("reserved", "::ffff:0:0/96", "::ffff:0:0/96, IPv4-mapped; write the IPv4 address"),
    ("reserved", "::/8", "::/8"),
    ("private", "fc00::/7", "fc00::/7, unique local"),
    ("link-local", "fe80::/10", "fe80::/10"),
    ("multicast", "ff00::/8", "ff00::/8"),
    # Everything outside 2000::/3 that is not named above is reserved by the IETF.
    *(
        ("reserved", block, f"{block}, outside global unicast 2000::/3")
        for block in (
            "100::/8",
            "200::/7",
            "400::/6",
            "800::/5",
            "1000::/4",
            "4000::/2",
            "8000::/1",
        )
    ),
)


@lru_cache(maxsize=1)
def _lib():
    """The netaddr module, or an error that says how to get it."""
    try:
        import netaddr
    except ImportError as exc:
        raise AlimailError(
            "the Python library netaddr is required on the Ansible controller to check gateway "
            "addresses; install it into the Python that runs Ansible (pip install netaddr)"
        ) from exc
    return netaddr


@dataclass(frozen=True, order=False)
class Entry:
    """One entry of an address field, in canonical spelling."""

    text: str
    kind: str
    version: int
    first: int
    last: int
    port: int | None = None

    @property
    def size(self) -> int:
        """How many addresses the entry covers."""
        return self.last - self.first + 1

    @property
    def sort_key(self) -> tuple:
        """Numeric order: family, first address, last address, port."""
        return (self.version, self.first, self.last, self.port or 0)


def _order(entry: Entry) -> tuple:
    # kind and text break ties between 1.2.3.4, 1.2.3.4/32 and 1.2.3.4-1.2.3.4.
    return (entry.sort_key, entry.kind, entry.text)


def _ip(text: str) -> tuple[int, int, str] | None:
    """(version, value, canonical text) of a plain IP address, or None when it is not one."""
    lib = _lib()
    version = 6 if ":" in text else 4
    try:
        address = lib.IPAddress(text, version, flags=lib.INET_PTON)
    except (lib.AddrFormatError, ValueError, TypeError):
        return None
    return version, int(address), str(address)


def _text(version: int, value: int) -> str:
    """Canonical spelling of one address: dotted IPv4, compressed lower-case IPv6."""
    return str(_lib().IPAddress(value, version))


def _with_port(version: int, address: str, port: int) -> str:
    return f"[{address}]:{port}" if version == 6 else f"{address}:{port}"


def _port(option: str, text: str, port: str) -> int:
    if not (port.isascii() and port.isdigit()):
        raise InputError(option, text, "has a port that is not a number from 1 to 65535")
    number = int(port)
    if not 1 <= number <= 65535:
        raise InputError(option, text, f"has port {number}; a port is 1 to 65535")
    return number


def _address(option: str, text: str, port: str | None) -> Entry:
    found = _ip(text if port is None else text.rpartition(":")[0])
    if found is None:
        raise InputError(option, text, FORMS)
    version, value, shown = found
    if port is None:
        return Entry(shown, "address", version, value, value)
    number = _port(option, text, port)
    return Entry(_with_port(version, shown, number), "address", version, value, value, number)


def _bracketed(option: str, text: str) -> Entry:
    inner, bracket, rest = text[1:].partition("]")
    found = _ip(inner)
    if found is None or not bracket or (rest and not rest.startswith(":")):
        raise InputError(option, text, FORMS)
    version, value, shown = found
    if version == 4:
        raise InputError(
            option, text, f"puts an IPv4 address in brackets; write {inner}{rest} without them"
        )
    if not rest:
        return Entry(shown, "address", version, value, value)
    number = _port(option, text, rest[1:])
    return Entry(_with_port(version, shown, number), "address", version, value, value, number)


def _too_big(option: str, text: str, size: int, strict: bool) -> None:
    if strict and size > MAX_ENTRY_SIZE:
        raise InputError(
            option,
            text,
            f"covers {size} addresses; a CIDR block or range covers at most {MAX_ENTRY_SIZE} "
            "(IPv4 /16, IPv6 /112)",
        )


def _cidr(option: str, text: str, strict: bool) -> Entry:
    base, prefix = (part.strip() for part in text.split("/", 1))
    found = _ip(base)
    if found is None:
        raise InputError(option, text, FORMS)
    version, value, shown = found
    bits = _BITS[version]
    if not (prefix.isascii() and prefix.isdigit()):
        raise InputError(option, text, f"has a prefix length that is not a number from 0 to {bits}")
    length = int(prefix)
    if length > bits:
        raise InputError(
            option, text, f"has prefix length {length}; an IPv{version} prefix is 0 to {bits}"
        )
    host = (1 << (bits - length)) - 1
    network = value & ~host
    if network != value and strict:
        suggestion = f"{_text(version, network)}/{length}"
        raise InputError(option, text, f"has host bits set; write the network {suggestion}")
    _too_big(option, text, host + 1, strict)
    if network != value:
        shown = _text(version, network)
    return Entry(f"{shown}/{length}", "cidr", version, network, network | host, None)


def _range(option: str, text: str, strict: bool) -> Entry:
    parts = [part.strip() for part in text.split("-")]
    ends = [_ip(part) for part in parts] if len(parts) == 2 else [None]
    if None in ends:
        raise InputError(option, text, "is not a range of two IPv4 or IPv6 addresses (first-last)")
    (version, first, low), (other, last, high) = ends
    if version != other:
        raise InputError(option, text, "mixes IPv4 and IPv6; both ends of a range are one family")
    if first > last:
        raise InputError(
            option, text, "is a reversed range: the first address is greater than the last"
        )
    _too_big(option, text, last - first + 1, strict)
    return Entry(f"{low}-{high}", "range", version, first, last, None)


def _entry(option: str, text: str, strict: bool) -> Entry:
    if "-" in text:
        return _range(option, text, strict)
    if "/" in text:
        return _cidr(option, text, strict)
    if _SPACE.search(text):
        raise InputError(option, text, "has a space inside an entry; separate entries with commas")
    if text.startswith("["):
        return _bracketed(option, text)
    # One colon is IPv4 with a port; IPv6 always has at least two, and takes a port only in [].
    return _address(option, text, text.rpartition(":")[2] if text.count(":") == 1 else None)


def parse_field(option: str, values: list[str] | str, *, strict: bool = True) -> list[Entry]:
    """Parse an address option (or API field) into sorted, de-duplicated entries.

    strict=False reads what the service stored: blanks and empty fields are skipped, CIDR host
    bits are masked off and no size limit applies.
    """
    if isinstance(values, str):
        values = [values]
    found: dict[str, Entry] = {}
    for element in values or ():
        if not isinstance(element, str):
            raise InputError(option, element, "is not a string of address entries")
        for raw in element.split(","):
            text = raw.strip()
            if text:
                entry = _entry(option, text, strict)
                found.setdefault(entry.text, entry)
            elif strict:
                rule = "has an empty entry; remove the stray comma" if "," in element else None
                raise InputError(option, element, rule or "is an empty entry")
    if strict and not found:
        raise InputError(option, values, "is empty; give at least one address entry")
    return sorted(found.values(), key=_order)


def canonical(entries: list[Entry]) -> list[str]:
    """Canonical entry strings in numeric order."""
    return [entry.text for entry in sorted(entries, key=_order)]


def to_field(entries: list[Entry]) -> str:
    """The API's spelling of an address field: canonical entries joined by commas."""
    return ",".join(canonical(entries))


def same(a: list[Entry], b: list[Entry]) -> bool:
    """Whether two entry lists hold the same set of entries."""
    return {entry.text for entry in a} == {entry.text for entry in b}


@lru_cache(maxsize=1)
def _refused() -> tuple:
    blocks = []
    for category, cidr, label in _REFUSED:
        entry = _cidr("block", cidr, False)
        blocks.append((entry.version, entry.first, entry.last, category, label))
    return tuple(blocks)


def _category(entry: Entry) -> tuple[str, str] | None:
    for version, first, last, category, label in _refused():
        if version == entry.version and entry.first <= last and first <= entry.last:
            return category, label
    return None


def check_routable(option: str, entries: list[Entry]) -> None:
    """Refuse entries Alibaba's servers could never reach (loopback, private, reserved, ...)."""
    for entry in entries:
        found = _category(entry)
        if found is None:
            continue
        category, label = found
        if entry.kind == "address":
            article = "an" if category[0] in "aeiou" else "a"
            rule = f"is {article} {category} address ({label}); {ALLOW_PRIVATE}"
        else:
            rule = f"includes {category} addresses ({label}); {ALLOW_PRIVATE}"
        raise InputError(option, entry.text, rule)


def check_breadth(option: str, entries: list[Entry], limit: int = 256) -> None:
    """Refuse an entry that trusts more than limit addresses."""
    for entry in entries:
        if entry.size > limit:
            raise InputError(
                option,
                entry.text,
                f"covers {entry.size} addresses, more than {limit}; {ALLOW_BROAD}",
            )


def _hosts(entry: Entry) -> tuple[int, int]:
    """First and last probe-able host of an entry."""
    if entry.kind != "cidr" or entry.size < 4:
        return entry.first, entry.last
    if entry.version == 4:
        # The network and broadcast addresses of an IPv4 block do not run a mail server.
        return entry.first + 1, entry.last - 1
    # The first address of an IPv6 prefix is the subnet-router anycast address (RFC 4291).
    return entry.first + 1, entry.last


def _union_size(spans: dict) -> int:
    total = 0
    for intervals in spans.values():
        end = -1
        for lo, hi in sorted(intervals):
            if hi > end:
                total += hi - max(lo, end + 1) + 1
                end = hi
    return total


def probe_targets(
    entries: list[Entry], default_port: int, max_targets: int
) -> tuple[list[tuple[str, int]], int]:
    """(ip_text, port) targets in entry order, at most max_targets, and how many were left out."""
    targets: list[tuple[str, int]] = []
    seen: set[tuple[int, int, int]] = set()
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for entry in entries:
        port = entry.port or default_port
        lo, hi = _hosts(entry)
        spans.setdefault((entry.version, port), []).append((lo, hi))
        value = lo
        # Duplicates can only be hosts already taken, so this loop stays under 2 * max_targets.
        while value <= hi and len(targets) < max_targets:
            if (entry.version, value, port) not in seen:
                seen.add((entry.version, value, port))
                targets.append((_text(entry.version, value), port))
            value += 1
    return targets, _union_size(spans) - len(targets)


def first_single(entries: list[Entry]) -> Entry:
    """The first concrete address of the entries, as an address Entry (keeps its port)."""
    if not entries:
        raise ValueError("first_single needs at least one entry")
    entry = entries[0]
    if entry.kind == "address":
        return entry
    value = _hosts(entry)[0]
    return Entry(_text(entry.version, value), "address", entry.version, value, value)


def single_text(ip_text: str, port: int | None, default_port: int = SERVICE_PORT) -> str:
    """One address as the test endpoint reads it; the port is left out when it is the default.

    default_port is the port the reader assumes (the service test uses 25), not probe.port.
    """
    if port is None or port == default_port:
        return ip_text
    return f"[{ip_text}]:{port}" if ":" in ip_text else f"{ip_text}:{port}"
