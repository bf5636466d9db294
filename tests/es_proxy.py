"""A loopback proxy in front of the real test node, for what the node itself can't do.

The integ-test node has no security module and never refuses work, so tests that need a
secured cluster (TLS, credentials) or a busy one (429s) put this proxy between the store
and the node. `EsProxy.route` sees each request; by default it forwards it unchanged.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from brandguard.net.local_server import QuietHandler


class EsProxy(QuietHandler):
    node = ""  # the real node's URL, set by `to_node`

    def forward(self, body: bytes) -> tuple[int, bytes]:
        target = urlsplit(self.node)
        conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=60)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "content-length", "connection")}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data

    def route(self, body: bytes) -> tuple[int, bytes]:
        return self.forward(body)

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, data = self.route(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


def to_node(handler: type[EsProxy], node: str) -> type[EsProxy]:
    return type(handler.__name__, (handler,), {"node": node})
