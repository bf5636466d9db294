"""A real single-node Elasticsearch for the tests, started from the integ-test zip.

`.ci/elasticsearch` fetches `org.elasticsearch.distribution.integ-test-zip:elasticsearch`
with Maven, unpacks it and creates an unprivileged user (Elasticsearch refuses root); it
exports `BRANDGUARD_ES_HOME` (and `BRANDGUARD_ES_USER`). `EsNode` starts that distribution
on loopback with single-node discovery, security off and a small heap, and can stop and
start it again, which the fault tests use to take the store away mid-run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def java_home() -> str:
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("no java on PATH: Elasticsearch needs a JDK (17 for 8.x)")
    return str(Path(java).resolve().parents[1])


class EsNode:
    def __init__(self, home: Path, work: Path, user: str | None = None) -> None:
        self.home, self.work, self.user = home, work, user
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        for sub in ("data", "logs"):
            (work / sub).mkdir(parents=True, exist_ok=True)
            if user and os.geteuid() == 0:
                shutil.chown(work / sub, user)
        if user and os.geteuid() == 0:
            shutil.chown(work, user)

    @classmethod
    def external(cls, url: str) -> EsNode:
        """A node somebody else runs (BRANDGUARD_ES_URL): usable, but not stoppable."""
        node = cls.__new__(cls)
        node.home, node.work, node.user, node.process = Path(), Path(), None, None
        node.url, node.port = url.rstrip("/"), 0
        return node

    @property
    def managed(self) -> bool:
        return self.port != 0

    def health(self) -> str | None:
        try:
            with urllib.request.urlopen(f"{self.url}/_cluster/health", timeout=2) as r:  # noqa: S310 - loopback
                return str(json.load(r)["status"])
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            return None

    def start(self) -> None:
        command = [str(self.home / "bin" / "elasticsearch"),
                   "-E", "discovery.type=single-node", "-E", "network.host=127.0.0.1",
                   "-E", f"http.port={self.port}", "-E", "xpack.security.enabled=false",
                   "-E", f"path.data={self.work / 'data'}",
                   "-E", f"path.logs={self.work / 'logs'}",
                   "-E", "cluster.routing.allocation.disk.threshold_enabled=false"]
        if self.user and os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        env = dict(os.environ, ES_JAVA_HOME=java_home(), ES_JAVA_OPTS="-Xms512m -Xmx512m")
        with (self.work / "node.out").open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while self.health() not in ("green", "yellow"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = (self.work / "node.out").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"Elasticsearch did not start at {self.url}:\n{tail}")
            time.sleep(0.5)  # polling a starting JVM; there is no event to wait on

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self.process = None
