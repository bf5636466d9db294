"""The CLI contract (ARCHITECTURE §4.1), run as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_CONFIG, jsonl, run_cli, write_config

DOCS = [
    {"url": "http://news.example/1?utm_source=x", "title": "八马茶业抽检不合格",
     "text": "八马茶业一批次铁观音农药残留超标。", "published_at": "2026-11-20T09:00:00"},
    {"url": "http://news.example/2", "text": "安溪铁观音荣获国际金奖，茶农增收致富，品牌价值创历史新高。",
     "published_at": "2026-11-10T09:00:00", "kind": "news"},
    {"url": "http://news.example/3", "text": "今天天气晴朗。"},
]


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, str]:
    config = write_config(tmp_path / "config")
    store = f"sqlite:///{tmp_path / 'data' / 'bg.db'}"
    (tmp_path / "docs.jsonl").write_text(jsonl(*DOCS) + "{broken\n" + jsonl({"url": "http://x/4"}),
                                         encoding="utf-8")
    return {"config": str(config), "store": store, "docs": str(tmp_path / "docs.jsonl")}


def bg(ws: dict[str, str], *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return run_cli("--config", ws["config"], "--store", ws["store"], *args, stdin=stdin)


def test_check_accepts_the_example_and_rejects_a_broken_config(tmp_path: Path) -> None:
    ok = run_cli("--config", str(EXAMPLE_CONFIG), "check")
    assert ok.returncode == 0, ok.stderr
    assert "OK" in ok.stdout
    bad = write_config(tmp_path / "bad", "organizations: []\nbrands:\n  - {id: a, name: 甲}\n")
    result = run_cli("--config", str(bad), "check")
    assert result.returncode == 2
    assert "brands.yaml:3: brands[0].kind: Field required" in result.stderr
    assert "brands[0].organization: Field required" in result.stderr


def test_analyze_writes_one_analysis_per_line_in_order(workspace: dict[str, str]) -> None:
    result = bg(workspace, "analyze", workspace["docs"])
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(lines) == 5
    assert lines[0]["mentions"][0]["brand"] == "bama"
    assert lines[0]["damage"][0]["category"] == "quality_safety"
    assert lines[2]["mentions"] == []
    assert lines[3]["line"] == 4
    assert "malformed JSON" in lines[3]["error"]
    assert "missing required field 'text'" in lines[4]["error"]
    assert not Path(workspace["store"][len("sqlite:///"):]).exists()


def test_analyze_reads_stdin(workspace: dict[str, str]) -> None:
    result = bg(workspace, "analyze", "-", stdin=jsonl(DOCS[1]))
    assert json.loads(result.stdout)["polarity"] == "positive"


def test_ingest_counts_and_reingest_changes_nothing(workspace: dict[str, str]) -> None:
    first = bg(workspace, "ingest", workspace["docs"], "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["read"], report["accepted"], report["unmatched"], report["rejected"]) == \
        (5, 2, 1, 2)
    assert report["rejections"][0]["line"] == 4
    again = json.loads(bg(workspace, "ingest", workspace["docs"], "--json").stdout)
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    human = bg(workspace, "ingest", workspace["docs"])
    assert "重复 duplicates 2" in human.stdout  # Chinese first, the English term after
    assert human.stdout.startswith("读取 read 5：接收 accepted 0")
    assert "第 4 行 line 4: malformed JSON" in human.stderr


def test_search_finds_by_chinese_word_brand_and_time(workspace: dict[str, str]) -> None:
    bg(workspace, "ingest", workspace["docs"])
    found = json.loads(bg(workspace, "search", "农药", "--json").stdout)
    assert found["total"] == 1
    hit = found["hits"][0]
    assert hit["title"] == "八马茶业抽检不合格"
    assert hit["mentions"][0]["brand"] == "bama"
    assert hit["published_at"] == "2026-11-20T09:00:00+08:00"
    assert {"sentiment", "polarity", "damage", "keywords", "simhash", "url"} <= set(hit)
    by_brand = json.loads(bg(workspace, "search", "--brand", "anxi-tieguanyin", "--json").stdout)
    assert by_brand["total"] == 2
    windowed = json.loads(bg(workspace, "search", "--since", "2026-11-15", "--until",
                             "2026-11-21", "--json").stdout)
    assert [h["url"] for h in windowed["hits"]] == ["http://news.example/1?utm_source=x"]
    negative = json.loads(bg(workspace, "search", "--brand", "bama", "--polarity", "negative",
                             "--json").stdout)
    assert negative["total"] == 1
    human = bg(workspace, "search", "金奖")
    assert human.returncode == 0
    assert "检索到 1 条" in human.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("search", "--brand", "nope"), "unknown brand id(s): nope"),
    (("search", "--since", "last tuesday"), "expected ISO 8601 or an age"),
    (("--store", "mysql://x", "search"), "unknown scheme 'mysql'"),
    (("ingest", "/no/such/file.jsonl"), "No such file"),
])
def test_bad_input_exits_2_with_a_specific_message(workspace: dict[str, str], args: tuple[str, ...],
                                                    message: str) -> None:
    result = bg(workspace, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr


def test_demo_shows_per_brand_findings_and_the_burst(tmp_path: Path) -> None:
    result = run_cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "溪源茶业" in result.stdout
    assert "质量安全" in result.stdout
    assert "负面集中爆发 burst: 溪源茶业" in result.stdout
    assert "(转载, folded)" in result.stdout
    assert "风险事件 incidents opened: 2" in result.stdout
    assert "II级 橙色 重大" in result.stdout
    # collected by crawling the loopback sample sites, each fault named against its source
    assert "news-portal              ok" in result.stdout
    assert "mall-review-api          ok" in result.stdout
    assert "HTTP 404" in result.stdout
    assert "UnsafeXml: refused" in result.stdout
    assert "non-public address" in result.stdout
    assert "2 incident(s) resolved automatically" in result.stdout
    assert "风险控制预案：" in result.stdout
    assert "reported overdue" in result.stdout
    # every overdue step is heard (2 openings, 11 late steps: the member's 6 and the regional
    # roll-up's own 5, 2 resolutions), none suppressed
    assert "告警 alerts: 30 delivered, 0 suppressed" in result.stdout
    assert "mail catcher received 15 message(s)" in result.stdout
    assert "成员企业事件：20261120-1230-xiyuan-quality_safety" in result.stdout
    mails = sorted((tmp_path / "brandguard-data" / "demo-mail").glob("*.eml"))
    hooks = sorted((tmp_path / "brandguard-data" / "demo-webhook").glob("*.json"))
    assert mails
    assert len(hooks) == len(mails)
    first = json.loads(hooks[0].read_text(encoding="utf-8"))
    assert first["signature_verified"] is True
    assert first["body"]["type"] == "incident.opened"
    assert (tmp_path / "brandguard-data" / "demo.db").exists()


def test_train_and_eval_sentiment_round_trip(tmp_path: Path) -> None:
    rows = ["text,label"] + [f"这个茶很好喝{i},1" for i in range(6)] + \
           [f"这个茶太难喝{i},0" for i in range(6)] + ["坏行,9"]
    csv = tmp_path / "train.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = tmp_path / "m.json.gz"
    trained = run_cli("--config", str(tmp_path / "none"), "train-sentiment", str(csv),
                      "--out", str(model))
    assert trained.returncode == 0, trained.stderr
    assert "skipped" in trained.stderr
    assert "label must be one of" in trained.stderr
    result = run_cli("--config", str(tmp_path / "none"), "eval-sentiment", str(csv),
                     "--sentiment-model", str(model))
    assert result.returncode == 0, result.stderr
    assert re.search(r"brandguard \(.*\): 1\.0000", result.stdout)
    assert "SnowNLP baseline:" in result.stdout


def test_news_and_target_heads_train_and_eval_targets_scores_them(tmp_path: Path) -> None:
    """Tiny data in the shared sets' formats: the news head from three-class rows and entity
    rows, the target head from entity rows; eval-targets prints the competition's scores."""
    news = tmp_path / "news.csv"
    lines = ["id,text,polarity"]
    for i in range(8):
        lines += [f"n{i},某公司产品抽检不合格被立案调查第{i}次,negative",
                  f"p{i},某公司荣获金奖广受好评第{i}次,positive",
                  f"u{i},某公司召开年度会议介绍情况第{i}次,neutral"]
    news.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entity = tmp_path / "entity.csv"
    rows = ["id,title,text,entity,negative,key_entity"]
    for i in range(8):
        rows += [f"a{i},,继甲{i}公司之后，乙{i}平台也爆雷跑路，投资人报警。,甲{i}公司;乙{i}平台,1,乙{i}平台",
                 f"b{i},,丙{i}平台起诉丁{i}银行，丁{i}银行逾期未兑付。,丙{i}平台;丁{i}银行,1,丁{i}银行",
                 f"c{i},,戊{i}公司发布年报，业绩平稳。,戊{i}公司,0,"]
    rows.append("bad,,,x,7,")
    entity.write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = tmp_path / "m.json.gz"
    none = ("--config", str(tmp_path / "none"))
    trained = run_cli(*none, "train-sentiment", "--news", str(news), "--news", str(entity),
                      "--targets", str(entity), "--out", str(model))
    assert trained.returncode == 0, trained.stderr
    assert "news head: 48 texts" in trained.stdout
    assert "target head: 24 texts" in trained.stdout
    scored = run_cli(*none, "eval-targets", str(entity), "--sentiment-model", str(model))
    assert scored.returncode == 0, scored.stderr
    assert "24 rows (1 skipped)" in scored.stdout
    found = re.search(r"brandguard \(.*\): negative F1 ([0-9.]+), key-entity F1 ([0-9.]+)",
                      scored.stdout)
    assert found, scored.stdout
    assert float(found[1]) > 0.9  # trained on these very rows: it must have learnt them
    assert float(found[2]) > 0.8
    assert "SnowNLP + longest match: negative F1" in scored.stdout
    empty = run_cli(*none, "train-sentiment", "--out", str(model))
    assert empty.returncode == 2
    assert "give review CSV files" in empty.stderr


def test_incident_verbs_work_an_incident_end_to_end(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'bg.db'}"
    base = ("--config", str(EXAMPLE_CONFIG), "--store", store)
    sample = str(EXAMPLE_CONFIG / "demo" / "documents.jsonl")
    first = json.loads(run_cli(*base, "ingest", sample, "--json").stdout)
    assert first["accepted"] > 20
    listed = json.loads(run_cli(*base, "incidents", "--brand", "xiyuan", "--json").stdout)
    assert [(i["brand"], i["category"], i["status"]) for i in listed] == \
        [("xiyuan", "quality_safety", "open")]
    regional = json.loads(run_cli(*base, "incidents", "--brand", "yunling-maojian",
                                  "--json").stdout)
    assert regional[0]["linked"] == [listed[0]["id"]]
    incident_id = listed[0]["id"]
    detail = json.loads(run_cli(*base, "incident", incident_id, "--json").stdout)
    assert len(detail["evidence"]) >= 3
    assert next(t["action"] for t in detail["timeline"]) == "opened"
    human = run_cli(*base, "incident", incident_id)
    assert "溪源茶业" in human.stdout
    assert "时间线：" in human.stdout
    assert "风险控制预案：" in human.stdout
    checked = run_cli(*base, "check-step", incident_id, "verify", "--by", "王秘书", "--note", "已核实")
    assert checked.returncode == 0, checked.stderr
    assert "[x] verify" in checked.stdout
    assert "预案步骤尚余" in checked.stdout
    assert "时间线：" not in checked.stdout  # the step, not the whole incident again
    assert len(checked.stdout.splitlines()) == 3
    assert run_cli(*base, "check-step", incident_id, "verify", "--by", "王秘书").returncode == 2
    silenced = run_cli(*base, "silence", incident_id, "--by", "王秘书", "--for", "12h")
    assert "静默至" in silenced.stdout
    assert run_cli(*base, "silence", incident_id, "--by", "王秘书", "--for", "soon").returncode == 2
    assert run_cli(*base, "ack", incident_id, "--by", "王秘书").returncode == 0
    again = run_cli(*base, "ack", incident_id, "--by", "王秘书")
    assert again.returncode == 2
    assert "already acknowledged by 王秘书" in again.stderr
    done = run_cli(*base, "resolve", incident_id, "--by", "王秘书", "--note", "已发布声明")
    assert done.returncode == 0
    assert "已解决" in done.stdout
    assert run_cli(*base, "incident", "nope").returncode == 2
    ticked = run_cli(*base, "tick").stdout  # now (wall clock) the regional one is quiet too
    assert "自动解除无新证据的风险事件 1 起" in ticked
    assert "yunling-maojian" in ticked
    reingest = json.loads(run_cli(*base, "ingest", sample, "--json").stdout)
    assert reingest["duplicates"] == first["accepted"]
    assert len(json.loads(run_cli(*base, "incidents", "--json").stdout)) == 2


def test_eval_stories_scores_the_demo_story_pairwise(tmp_path: Path) -> None:
    from brandguard.cli.stories import LABELS

    demo_only = tmp_path / "labels.csv"
    demo_only.write_text("\n".join(line for line in LABELS.read_text(encoding="utf-8")
                                   .splitlines() if not line.startswith(("news/", "entity/"))),
                         encoding="utf-8")
    done = run_cli("eval-stories", "--labels", str(demo_only), "--data", str(tmp_path))
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[2:]}
    assert set(rows) >= {"demo:xiyuan", "demo:yunling-maojian", "all"}
    # pool, docs, pairs, P / R / F1 (stories), P / R / F1 (reposts folded only)
    xiyuan = rows["demo:xiyuan"]
    assert int(xiyuan[2]) == 28
    assert float(xiyuan[5]) > float(xiyuan[10])


def test_store_group_stories_groups_an_old_store_once(tmp_path: Path) -> None:
    """A store filled before stories existed: its documents are grouped by the command, and
    running it again writes nothing."""
    database = tmp_path / "old.db"
    base = ["--config", str(EXAMPLE_CONFIG), "--store", f"sqlite:///{database}"]
    sample = EXAMPLE_CONFIG / "demo" / "documents.jsonl"
    assert run_cli(*base, "ingest", str(sample)).returncode == 0
    with closing(sqlite3.connect(database)) as db:  # as an old version left it: no stories
        db.execute("DELETE FROM story_members")
        db.execute("DELETE FROM stories")
        db.commit()
    first = run_cli(*base, "store", "group-stories")
    assert first.returncode == 0, first.stderr
    read, changed = (int(n) for n in re.findall(r"\d+", first.stdout)[:2])
    assert read > 0
    assert changed > 0
    again = run_cli(*base, "store", "group-stories")
    assert re.findall(r"\d+", again.stdout)[:2] == [str(read), "0"]
