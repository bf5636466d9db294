"""Scrapy downloader middlewares and resolver that keep a crawl safe and incremental.

- `SsrfGuard` checks every request before download — start URLs, followed links and every
  redirect hop (Scrapy's redirect middleware re-schedules the new URL through here) —
  with the same `check_url` the poller and the alert channels use, so the reason a target
  was refused is the same everywhere.
- `GuardedResolver` is the reactor's name resolver: it drops any address that is not
  allowed, so a host that passed the check cannot be re-resolved to 127.0.0.1 or a
  metadata address at connect time (DNS rebinding).
- `Decoder` reads a page's bytes the way `brandguard.crawlers.charset` decides (BOM, valid UTF-8, a
  declaration only if it fits the bytes, else GB18030 — a superset of GBK and GB2312), not
  Scrapy's trust in a lying `<meta charset=gb2312>` or its cp1252 guess.
- `SkipStored` drops article requests whose document is already in the store, so a
  scheduled re-crawl reads list pages but not every article again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from zope.interface import implementer

from brandguard.crawlers.charset import decode
from brandguard.document_json import document_id
from brandguard.errors import InputError
from brandguard.net.targets import BlockedTarget, address_allowed, check_url, networks

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.interfaces import IAddress, IHostResolution

    from brandguard.net.targets import Network


class Refused(IgnoreRequest):
    """A request the guard would not send; the message says why."""


def _allow(crawler: Crawler) -> list[Network]:
    return networks(crawler.settings.getlist("BRANDGUARD_ALLOW_PRIVATE_TARGETS"))


class SsrfGuard:
    def __init__(self, allow: Sequence[Network]) -> None:
        self.allow = allow

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SsrfGuard:
        return cls(_allow(crawler))

    def process_request(self, request: Request, spider: Spider) -> None:
        try:
            check_url(request.url, self.allow)
        except BlockedTarget as exc:
            raise Refused(f"refused {request.url}: {exc}") from exc


class Decoder:
    def process_response(self, request: Request, response: Response,
                         spider: Spider) -> Response:
        if not isinstance(response, TextResponse) or response.body[:1] in (b"{", b"["):
            return response
        content_type = response.headers.get(b"Content-Type")
        encoding = decode(response.body, content_type.decode("latin-1") if content_type
                          else None).encoding
        if encoding != response.encoding:
            return response.replace(encoding=encoding)
        return response


class SkipStored:
    """Needs `meta["article"] = True` on requests for pages that become one document."""

    def __init__(self, stored: Any) -> None:
        self.stored = stored

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStored:
        return cls(crawler.settings.get("BRANDGUARD_STORED"))

    def process_request(self, request: Request, spider: Spider) -> None:
        if self.stored is None or not request.meta.get("article"):
            return
        try:
            doc_id = document_id(request.url)
        except InputError as exc:
            raise IgnoreRequest(f"unusable article URL: {exc}") from exc
        if self.stored(doc_id):
            crawler = spider.crawler
            assert crawler.stats is not None  # noqa: S101 - set once the crawl starts
            crawler.stats.inc_value("brandguard/skipped_stored")
            raise IgnoreRequest("already stored")


class _Filtering:
    """Passes on only the allowed addresses of a resolution."""

    def __init__(self, receiver: Any, allow: Sequence[Network]) -> None:
        self.receiver, self.allow = receiver, allow

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        host = getattr(address, "host", "")
        if host and address_allowed(host, self.allow):
            self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        self.receiver.resolutionComplete()


implementer(IResolutionReceiver)(_Filtering)


@implementer(IHostnameResolver)
class GuardedResolver:
    def __init__(self, reactor: Any, allow: Sequence[Network]) -> None:
        self.reactor, self.allow = reactor, allow
        self.original = reactor.nameResolver

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> GuardedResolver:
        return cls(reactor, _allow(crawler))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(self, resolutionReceiver: Any,
                        hostName: str, portNumber: int = 0,
                        addressTypes: Any = None,
                        transportSemantics: str = "TCP") -> IHostResolution:
        return self.original.resolveHostName(  # type: ignore[no-any-return]
            _Filtering(resolutionReceiver, self.allow), hostName, portNumber, addressTypes,
            transportSemantics)
