"""Crawl-side SSRF defences: the resolver filter that defeats DNS rebinding, and the
request guard every start URL, followed link and redirect hop passes through."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy import Request
from twisted.internet.address import IPv4Address, IPv6Address

from brandguard.crawlers.guard import Refused, SsrfGuard, _Filtering
from brandguard.net.targets import networks


class Collecting:
    """An IResolutionReceiver that keeps what it is given."""

    def __init__(self) -> None:
        self.addresses: list[Any] = []
        self.complete = False

    def resolutionBegan(self, resolution: object) -> None:
        return

    def addressResolved(self, address: object) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        self.complete = True


def test_resolver_drops_private_and_metadata_addresses() -> None:
    receiver = Collecting()
    filtering = _Filtering(receiver, [])
    for address in (IPv4Address("TCP", "93.184.215.14", 80),
                    IPv4Address("TCP", "127.0.0.1", 80),
                    IPv4Address("TCP", "169.254.169.254", 80),
                    IPv6Address("TCP", "::ffff:10.0.0.1", 80),
                    IPv6Address("TCP", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", 80)):
        filtering.addressResolved(address)
    filtering.resolutionComplete()
    assert [a.host for a in receiver.addresses] == ["93.184.215.14",
                                                    "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert receiver.complete


def test_resolver_keeps_loopback_only_when_allowed() -> None:
    receiver = Collecting()
    _Filtering(receiver, networks(["127.0.0.0/8"])).addressResolved(
        IPv4Address("TCP", "127.0.0.1", 8080))
    assert len(receiver.addresses) == 1


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://169.254.169.254/latest/",
                                 "file:///etc/passwd", "http://user:pw@example.com/",
                                 "http://[::1]:8080/"])
def test_request_guard_refuses_with_the_reason(url: str) -> None:
    with pytest.raises(Refused, match="refused"):
        SsrfGuard([]).process_request(Request(url), None)
