# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Address entries as the service parses, stores and spells them.

The emulator keeps a canonical form and answers in a different but equivalent spelling
(reversed order, ", " separators, IPv6 written out in full), because the real service makes no
promise about spelling and clients must compare entries as sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import netaddr

_V4_PORT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$")
_V6_PORT = re.compile(r"^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$")
_V6_BARE_BRACKETS = re.compile(r"^\[([0-9A-Fa-f:.]+)\]$")
_DIGITS = re.compile(r"^\d{1,3}$")


class AddressError(ValueError):
    """An entry breaks a rule; the message says which entry and why."""


@dataclass(frozen=True)
class Entry:
    kind: str  # "address" | "cidr" | "range"
    version: int
    first: int
    last: int
    port: int | None = None
    prefix: int | None = None

    @property
    def sort_key(self):
        return (self.version, self.first, self.last, self.port or 0)

    def contains(self, version: int, value: int, port: int) -> bool:
        # An entry without a port stands for the gateway on any port the test names; an entry
        # with a port was only tested when that exact port was.
        if version != self.version or not self.first <= value <= self.last:
            return False
        return self.port is None or self.port == port


def _ip(text: str) -> netaddr.IPAddress:
    try:
        return netaddr.IPAddress(text, flags=netaddr.INET_PTON)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise AddressError(f"{text!r} is not an IPv4 or IPv6 address") from None


def _port(text: str, entry: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise AddressError(f"{entry!r} has port {port}, outside 1-65535")
    return port


def parse_entry(text: str) -> Entry:
    match = _V6_PORT.match(text) or _V4_PORT.match(text)
    if match:
        ip = _ip(match.group(1))
        if text.startswith("[") != (ip.version == 6):
            raise AddressError(f"{text!r}: IPv6 with a port is written [address]:port")
        value = int(ip)
        return Entry("address", ip.version, value, value, port=_port(match.group(2), text))
    if "/" in text:
        return _parse_cidr(text)
    if "-" in text:
        return _parse_range(text)
    ip = _ip(text)
    return Entry("address", ip.version, int(ip), int(ip))


def _parse_cidr(text: str) -> Entry:
    address, _slash, prefix_text = text.partition("/")
    ip = _ip(address)
    width = 32 if ip.version == 4 else 128
    if not _DIGITS.match(prefix_text) or int(prefix_text) > width:
        raise AddressError(f"{text!r} has a prefix length outside 0-{width}")
    prefix = int(prefix_text)
    size = 1 << (width - prefix)
    first = int(ip) & ~(size - 1)
    if first != int(ip):
        network = netaddr.IPAddress(first, ip.version)
        raise AddressError(f"{text!r} has host bits set; the network is {network}/{prefix}")
    return Entry("cidr", ip.version, first, first + size - 1, prefix=prefix)


def _parse_range(text: str) -> Entry:
    low_text, _dash, high_text = text.partition("-")
    low, high = _ip(low_text.strip()), _ip(high_text.strip())
    if low.version != high.version:
        raise AddressError(f"{text!r} mixes IPv4 and IPv6")
    if int(low) > int(high):
        raise AddressError(f"{text!r} is reversed: its first address is above its last")
    return Entry("range", low.version, int(low), int(high))


def parse_field(value: str) -> list[Entry]:
    """Entries of one address field, deduplicated and in canonical order."""
    if not isinstance(value, str) or not value.strip():
        raise AddressError("must be a non-empty string of comma-separated entries")
    entries = set()
    for part in value.split(","):
        text = part.strip()
        if not text:
            raise AddressError("has an empty entry (two commas in a row or a trailing comma)")
        entries.add(parse_entry(text))
    return sorted(entries, key=lambda e: e.sort_key)


def _text(version: int, value: int, verbose: bool) -> str:
    ip = netaddr.IPAddress(value, version)
    if version == 6:
        return ip.format(netaddr.ipv6_verbose) if verbose else str(ip)
    return str(ip)


def entry_text(entry: Entry, verbose: bool = False) -> str:
    first = _text(entry.version, entry.first, verbose)
    if entry.kind == "cidr":
        return f"{first}/{entry.prefix}"
    if entry.kind == "range":
        return f"{first}-{_text(entry.version, entry.last, verbose)}"
    if entry.port is None:
        return first
    return f"[{first}]:{entry.port}" if entry.version == 6 else f"{first}:{entry.port}"


def canonical_field(entries: list[Entry]) -> str:
    """The stored form: canonical order, compressed IPv6, no spaces."""
    return ",".join(entry_text(e) for e in entries)


def service_field(stored: str) -> str:
    """The spelling the service answers with: same set, other order, spacing and IPv6 form."""
    entries = parse_field(stored)
    return ", ".join(entry_text(e, verbose=True) for e in reversed(entries))


def same_entries(a: str, b: str) -> bool:
    return set(parse_field(a)) == set(parse_field(b))


def parse_single(value: str) -> tuple[str, int, int, int]:
    """One address with an optional port, as the test endpoint takes it.

    Returns (ip text, version, ip as int, port); port 25 when none is given.
    """
    if not isinstance(value, str) or not value.strip():
        raise AddressError("must be one IP address with an optional port")
    text = value.strip()
    if "," in text or "/" in text or "-" in text:
        raise AddressError(
            f"{text!r} is not a single address; ranges, CIDR blocks and lists cannot be tested"
        )
    bare = _V6_BARE_BRACKETS.match(text)
    entry = parse_entry(bare.group(1) if bare else text)
    ip_text = _text(entry.version, entry.first, verbose=False)
    return ip_text, entry.version, entry.first, entry.port or 25


def is_loopback(version: int, value: int) -> bool:
    if version == 4:
        return value >> 24 == 127
    return value == 1
