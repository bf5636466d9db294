"""Running the web app with uvicorn: in the foreground (`serve`, `demo --serve`) or on a
background thread bound to a free loopback port (tests, `bench api`)."""

from __future__ import annotations

import multiprocessing
import signal
import socket
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import uvicorn

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from fastapi import FastAPI

    from brandguard.configuration.loader import Config


# Sockets are made with an explicit IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets
# whose proto says TCP, and without it Nagle's algorithm meets the client's delayed ACK and
# every keep-alive response waits ~40 ms.


def _config(app: FastAPI, **options: object) -> uvicorn.Config:
    return uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                          proxy_headers=False, **options)  # type: ignore[arg-type]


def run(app: Callable[[], FastAPI], host: str, port: int,
        announce: Callable[[], None] = lambda: None, workers: int = 1) -> None:
    """Bind first, then `announce` (a URL printed is a URL that already accepts
    connections; a taken port fails before anything is printed), then serve.

    With several workers each forked process has its own app (and so its own store
    connections) and, where the system has SO_REUSEPORT, its own listening socket on the
    port: the kernel then spreads connections over the workers evenly. One shared socket
    lets whichever worker wakes first accept a burst of keep-alive connections and keep
    them, so one core served 3/4 of the load while the other idled. The app is built
    after the fork: no SQLite handle crosses a fork.
    """
    reuse = workers > 1 and hasattr(socket, "SO_REUSEPORT")
    first = _listen(host, port, reuse)
    announce()
    if workers <= 1:
        _serve(app, first)
        return
    forking = multiprocessing.get_context("fork")
    children = [forking.Process(target=_serve_own if reuse and n else _serve,
                                args=(app, host, port) if reuse and n else (app, first),
                                daemon=True)
                for n in range(workers)]
    for child in children:
        child.start()
    first.close()  # the first worker holds it now
    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        for child in children:
            child.join()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for child in children:
            child.terminate()  # uvicorn shuts each down gracefully on SIGTERM
        for child in children:
            child.join(30)


def _listen(host: str, port: int, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def serve_store(config: Config, store_url: str, host: str, port: int, *,
                announce: Callable[[], None], workers: int = 1,
                secure_cookies: bool = False) -> None:
    """`run` the app over `store_url`; each worker builds its own context after the fork."""
    from brandguard.web.app import create_app
    from brandguard.web.context import WebContext

    def app() -> FastAPI:
        return create_app(WebContext.create(config, store_url, secure_cookies=secure_cookies))

    run(app, host, port, announce=announce, workers=workers)


def _serve(app: Callable[[], FastAPI], sock: socket.socket) -> None:
    uvicorn.Server(_config(app())).run(sockets=[sock])


def _serve_own(app: Callable[[], FastAPI], host: str, port: int) -> None:
    """A further worker: its own SO_REUSEPORT socket on the same port."""
    _serve(app, _listen(host, port, reuse_port=True))


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


@contextmanager
def background(app: FastAPI, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` on a free port until the block ends; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    server = uvicorn.Server(_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:  # uvicorn sets it once the socket accepts
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("web server did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()

