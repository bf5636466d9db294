"""`brandguard ingest` of a file full of hostile lines, then `search`: the real commands."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.conftest import run_cli, write_config

if TYPE_CHECKING:
    from pathlib import Path

HOSTILE = [
    {"text": "八马茶业坏端口", "url": "http://x.example:99999/p"},
    {"text": "八马茶业非数字端口", "url": "http://x.example:abc/p"},
    {"text": "八马茶业坏IPv6", "url": "http://[::1/p"},
    {"text": "八马茶业坏IPv6二", "url": "http://[zz]/p"},
    {"text": "八马茶业回车", "url": "http://a.example/a\r\nSet-Cookie: x=y"},
    {"text": "八马茶业九九九九年", "url": "http://a.example/9999",
     "published_at": "9999-12-31T23:59:59-12:00"},
    {"text": "八马茶业公元一年", "url": "http://a.example/1", "published_at": "0001-01-01T00:00:00+14:00"},
]


def test_hostile_lines_are_rejected_by_number_and_the_rest_stored_and_searchable(
        tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    store = f"sqlite:///{tmp_path / 'bg.db'}"
    lines = [json.dumps(h, ensure_ascii=False) for h in HOSTILE]
    lines.insert(3, '{"text": "八马茶业", "url": "http://a.example/", "x": ' + "[" * 100_000
                 + "]" * 100_000 + "}")
    lines += [json.dumps({"text": f"八马茶业第{i}号好消息", "url": f"http://good.example/{i}",
                          "published_at": "2026-11-20T09:00:00"}, ensure_ascii=False)
              for i in range(3)]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest = run_cli("--config", str(config), "--store", store, "ingest",
                     str(tmp_path / "in.jsonl"), "--json")
    assert ingest.returncode == 0, ingest.stderr
    assert "Traceback" not in ingest.stderr
    report = json.loads(ingest.stdout)
    assert (report["inserted"], report["rejected"]) == (3, 8)
    reasons = {r["line"]: r["reason"] for r in report["rejections"]}
    assert "cannot be parsed" in reasons[1]
    assert "nested deeper than 32 levels" in reasons[4]
    assert "control characters" in reasons[6]
    assert "outside the accepted window" in reasons[7]
    search = run_cli("--config", str(config), "--store", store, "search", "好消息")
    assert search.returncode == 0, search.stderr
    assert search.stdout.count("好消息") == 3
