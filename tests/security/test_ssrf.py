"""SSRF: webhook, robot and (later) crawl targets that resolve to non-public addresses."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandguard.net.targets import BlockedTarget, check_url, networks


def resolving_to(*addresses: str):  # type: ignore[no-untyped-def]
    return lambda host, port: list(addresses)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.5", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "2002:7f00:1::",
    "224.0.0.1", "2001:0:4136:e378:8000:63bf:80ff:fffe",
])
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(BlockedTarget, match="non-public"):
        check_url("http://hooks.example/x", resolver=resolving_to(address))


def test_one_bad_answer_among_good_ones_is_refused_dns_rebinding_style() -> None:
    with pytest.raises(BlockedTarget):
        check_url("https://hooks.example/x", resolver=resolving_to("93.184.216.34", "10.0.0.1"))


def test_public_address_passes_and_is_the_one_to_connect_to() -> None:
    target = check_url("https://hooks.example:8443/a?b=1", resolver=resolving_to("93.184.216.34"))
    assert (target.host, target.port, target.path, target.address) == (
        "hooks.example", 8443, "/a?b=1", "93.184.216.34")


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://hooks.example/x", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
    ("http://user:pw@hooks.example/x", "credentials in the URL"),
    ("http:///nohost", "no host"),
])
def test_malformed_targets_are_refused(url: str, reason: str) -> None:
    with pytest.raises(BlockedTarget, match=reason):
        check_url(url, resolver=resolving_to("93.184.216.34"))


def test_decimal_and_mapped_loopback_literals_resolve_to_loopback_and_are_refused() -> None:
    for url in ("http://2130706433/", "http://[::ffff:127.0.0.1]/", "http://127.1/"):
        with pytest.raises(BlockedTarget):
            check_url(url)


def test_allow_list_is_the_only_way_in() -> None:
    target = check_url("http://127.0.0.1:9/x", networks(["127.0.0.0/8"]))
    assert target.address == "127.0.0.1"


@given(st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                        "169.254.0.0/16", "100.64.0.0/10"]), st.integers(0, 2**16))
def test_every_address_in_private_networks_is_refused(cidr: str, offset: int) -> None:
    network = ipaddress.ip_network(cidr)
    address = str(network[offset % network.num_addresses])
    with pytest.raises(BlockedTarget):
        check_url("http://x.example/", resolver=resolving_to(address))


# The guard's decision only: the resolver answers, nothing connects anywhere.
@pytest.mark.parametrize("address", ["64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "64:ff9b::a00:1",
                                     "64:ff9b:1::808:808", "64:ff9b:1:ffff::1"])
def test_nat64_forms_of_private_addresses_are_refused(address: str) -> None:
    with pytest.raises(BlockedTarget, match="non-public"):
        check_url("http://hooks.example/x", resolver=resolving_to(address))
    with pytest.raises(BlockedTarget, match="non-public"):
        check_url(f"http://[{address}]/")


def test_nat64_of_a_public_address_passes() -> None:
    target = check_url("http://hooks.example/x", resolver=resolving_to("64:ff9b::808:808"))
    assert target.address == "64:ff9b::808:808"


@given(st.sampled_from(["10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "192.168.0.0/16"]),
       st.integers(0, 2**24))
def test_every_private_ipv4_behind_nat64_is_refused(cidr: str, offset: int) -> None:
    network = ipaddress.ip_network(cidr)
    v4 = network[offset % network.num_addresses]
    address = str(ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) + int(v4)))
    with pytest.raises(BlockedTarget):
        check_url("http://x.example/", resolver=resolving_to(address))


@pytest.mark.parametrize("url", ["http://x.example:99999/p", "http://x.example:abc/p",
                                 "http://[::1/p", "http://[zz]/p"])
def test_urls_that_cannot_be_split_are_refused_not_raised(url: str) -> None:
    with pytest.raises(BlockedTarget, match="cannot be parsed"):
        check_url(url, resolver=resolving_to("93.184.216.34"))


@given(st.text(max_size=60))
def test_any_string_is_a_target_or_a_refusal_never_another_error(url: str) -> None:
    try:
        target = check_url(url, resolver=resolving_to("93.184.216.34"))
    except BlockedTarget as exc:
        reason = str(exc)
        assert reason  # a refusal always says why
    else:
        assert target.scheme in ("http", "https")
        assert target.address == "93.184.216.34"
