"""Decide whether an outbound URL may be contacted (SSRF defence), once, in one place.

Webhook and robot URLs come from configuration and crawl targets from the web; either may
point at loopback, a private network or a cloud metadata address. A URL passes only if it
splits (a port in range, a well-formed IPv6 literal), is http(s), carries no userinfo, and
every address its host resolves to is globally routable after unwrapping IPv4-mapped, 6to4,
Teredo and NAT64 (64:ff9b::/96) forms — the local-use NAT64 prefix 64:ff9b:1::/48 is never
global — unless the address falls in
`allow_private_targets`. Callers connect to the address that was checked (no second DNS
lookup, so DNS rebinding cannot swap it) and re-check every redirect hop.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: operator-local, private


class BlockedTarget(ValueError):
    """The URL may not be contacted; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address to connect to


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _unwrap(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_allowed(raw: str, allow: Sequence[Network]) -> bool:
    given = ipaddress.ip_address(raw.split("%")[0])
    address = _unwrap(given)
    if any(address in net or given in net for net in allow):
        return True
    if isinstance(given, ipaddress.IPv6Address) and given in NAT64_LOCAL:
        return False
    return address.is_global and not address.is_multicast


def check_url(url: str, allow: Sequence[Network] = (),
              resolver: Resolver = system_resolver) -> Target:
    """Parse, resolve once and check `url`; raise BlockedTarget with the reason."""
    try:
        parts = urlsplit(url)
        given_port = parts.port
    except ValueError as exc:  # a port out of range or not a number, a broken [IPv6]
        raise BlockedTarget(f"the URL cannot be parsed: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BlockedTarget(f"{scheme or 'no'} scheme: only http and https targets are allowed")
    if parts.username is not None or parts.password is not None:
        raise BlockedTarget("credentials in the URL (user@host) are not allowed")
    host = parts.hostname
    if not host:
        raise BlockedTarget("the URL has no host")
    port = given_port or (443 if scheme == "https" else 80)
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise BlockedTarget(f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise BlockedTarget(f"{host} resolves to no address")
    for address in addresses:
        if not address_allowed(address, allow):
            raise BlockedTarget(f"{host} resolves to {address}, a loopback, private, link-local "
                                "or otherwise non-public address; list its network in "
                                "allow_private_targets to allow it")
    path = parts.path or "/"
    return Target(scheme, host, port, path + (f"?{parts.query}" if parts.query else ""),
                  addresses[0])


def networks(cidrs: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(c, strict=False) for c in cidrs]
