"""Connect to an Elasticsearch cluster for the store, from its URL and `settings.elasticsearch`.

Credentials come from settings (whose secrets are `${ENV}` references) or the URL's
userinfo; the CA bundle from `ca_certs`. The client itself retries 502/503/504 and
timeouts on other nodes (elastic-transport), and `streaming_bulk` retries 429 items with
back-off; this module adds the start-up wait: with `connect_wait: 0` an unreachable cluster
is a clear error at once, otherwise it is probed with growing pauses until the deadline.
Refused credentials and an untrusted certificate are never waited for: they name the
setting to fix.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TlsError
from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    Elasticsearch,
)
from elasticsearch.serializer import OrjsonSerializer

from brandguard.errors import NotConfigured, StoreUnavailable

if TYPE_CHECKING:
    from brandguard.configuration.models import ElasticsearchSettings

log = logging.getLogger(__name__)
UNREACHABLE = (TransportConnectionError, ConnectionTimeout)


def redacted(url: str) -> str:
    """The URL without userinfo, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def make_client(url: str, es: ElasticsearchSettings) -> Elasticsearch:
    options: dict[str, Any] = {
        "request_timeout": es.request_timeout, "retry_on_timeout": True, "max_retries": 3,
        "retry_on_status": (502, 503, 504),
        # orjson encodes bulk bodies several times faster than the standard library
        "serializer": OrjsonSerializer(),
    }
    if es.username and es.password:
        options["basic_auth"] = (es.username, es.password.get_secret_value())
    if es.api_key:
        options["api_key"] = es.api_key.get_secret_value()
    if es.ca_certs:
        options["ca_certs"] = str(es.ca_certs)
    return Elasticsearch(url, **options)


def wait_for_cluster(client: Elasticsearch, url: str, wait: float) -> None:
    """Return once the cluster answers with status yellow or green, else `StoreUnavailable`.
    Refused credentials or an untrusted certificate are settings to fix, not a cluster that
    is starting: `NotConfigured` at once, naming the setting."""
    deadline = time.monotonic() + wait
    pause = 0.5
    while True:
        try:
            health = client.options(max_retries=0).cluster.health(
                wait_for_status="yellow", timeout="5s")
            if health.get("status") in ("yellow", "green"):
                return
            problem = f"cluster status {health.get('status')!r}"
        except TlsError as exc:
            raise NotConfigured(
                f"Elasticsearch at {redacted(url)}: TLS failed ({_first_line(exc)}); if the "
                f"cluster has its own CA, set elasticsearch.ca_certs to its bundle") from exc
        except (AuthenticationException, AuthorizationException) as exc:
            raise NotConfigured(
                f"Elasticsearch at {redacted(url)} refused the credentials (HTTP "
                f"{exc.meta.status}): check elasticsearch.username and .password, or "
                f".api_key, and the user's privileges on the index prefix") from exc
        except UNREACHABLE as exc:
            problem = f"not reachable ({type(exc).__name__})"
        except ApiError as exc:
            problem = f"HTTP {exc.meta.status}: {exc.message}"
        if time.monotonic() + pause > deadline:
            hint = ("; start it, or set elasticsearch.connect_wait to wait for it" if not wait
                    else f" after waiting {wait:g} s")
            raise StoreUnavailable(f"Elasticsearch at {redacted(url)}: {problem}{hint}")
        log.warning("Elasticsearch at %s: %s; retrying in %.1f s", redacted(url), problem, pause)
        time.sleep(pause)  # a bounded, configured wait for a cluster that is starting
        pause = min(pause * 2, 10.0)


def _first_line(exc: Exception) -> str:
    """The reason of a TLS failure, without the transport's repeated wrapping."""
    text = str(getattr(exc, "message", "") or exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__
