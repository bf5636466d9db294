"""One alert, built from an outbox event, rendered for each kind of channel.

Crawled text (headlines, URLs) is untrusted: HTML rendering escapes it and only links
http(s) URLs (rel="noopener noreferrer"); markdown rendering escapes the characters that
would let a headline inject links or formatting into a robot message, and percent-encodes
link targets so a URL cannot close its link; header values lose CR/LF and control
characters.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

from brandguard import events
from brandguard.durations import duration_zh
from brandguard.incident import Event, Incident
from brandguard.labels import STATUS
from brandguard.markdown import escape_markdown, safe_link
from brandguard.markdown import link as markdown_link

if TYPE_CHECKING:
    from datetime import datetime

    from brandguard.configuration.loader import Config
    from brandguard.store.ports import DocumentReader

CHANGES = {events.INCIDENT_OPENED: "风险上升", events.INCIDENT_ESCALATED: "风险升级",
           events.INCIDENT_RESOLVED: "风险解除", events.CHECKLIST_OVERDUE: "预案步骤逾期"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# _DIGESTS_LAZILY: a digest is rendered by the report renderers (matplotlib, fpdf2, the store's
# figures); they are imported when a digest is built or rendered, not with this module, so the
# channels (and validating channels.yaml, which loads them) stay light.
EVIDENCE_SCAN = 50  # evidence documents read to choose from
EVIDENCE_SHOWN = 5


@dataclass(frozen=True)
class AlertMessage:
    key: str
    event_type: str
    subject: str
    summary: str
    evidence: tuple[tuple[str, str], ...] = ()  # (headline, url)
    next_steps: tuple[str, ...] = ()
    payload: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] | None = None  # a digest: the report's JSON figures
    link: str | None = None  # a digest: the report on the dashboard
    generated: datetime | None = None  # a digest: when it was decided (the report's date)


def clean_header(value: str) -> str:
    """No CR/LF or control characters in a header (no header injection)."""
    return _CONTROL.sub(" ", value).strip()


def build(event: Event, config: Config, store: DocumentReader) -> AlertMessage:
    if event.type == events.REPORT_DIGEST:
        return digest_message(event, config)
    if event.type == events.MEASURE_OVERDUE:
        return measure_message(event, config)
    incident = Incident.from_json(event.payload["incident"])
    brand = config.brand(incident.brand)
    name = brand.name if brand else incident.brand
    label = config.category_label(incident.category)
    change = CHANGES.get(event.type, event.type)
    subject = clean_header(f"[brandguard][{incident.level.label.split()[0]} "
                           f"{incident.level.label.split()[1]}] {name} {label} {change}")
    s = incident.signal
    window = duration_zh(timedelta(seconds=s["window_s"]))
    status = STATUS.get(incident.status, incident.status)
    summary = f"{name} {label}：{incident.level.label}，{status}。" + _counted(incident, window)
    if event.type == events.CHECKLIST_OVERDUE:
        step = event.payload["step"]
        summary += f" 逾期步骤: {step['title']} ({step['owner']})。"
    return AlertMessage(event.key, event.type, subject, summary,
                        _evidence(store, incident), _next_steps(event.type, incident),
                        {"event": event.to_json()})


def _counted(incident: Incident, window: str) -> str:
    """What each number counts: the signal's window without reposts, the evidence with them."""
    s = incident.signal
    evidence = len(incident.evidence)
    if incident.category == "sentiment":  # the sentiment-shift signal counts mentions
        share = s.get("negative_share", 0.0)
        return (f"{window}内负面提及 {s['count']} 条，占全部 {s.get('mentions', 0)} 条提及的 "
                f"{share:.0%}（不含转载；按平时比例预期约 {s['expected']:.1f} 条），"
                f"证据共 {evidence} 条（含转载）。")
    return (f"{window}内 {s['count']} 条报道（不含转载，预期 {s['expected']}），来自 "
            f"{s['spread']} 个来源；证据共 {evidence} 条（含转载）。")


def digest_message(event: Event, config: Config) -> AlertMessage:
    """A digest: the report fixed in the event; each channel renders the form it sends."""
    report = event.payload["report"]
    dashboard = config.settings.dashboard_url
    from brandguard.reports import digest  # see _DIGESTS_LAZILY

    link = digest.report_link(report, str(dashboard) if dashboard else None)
    return AlertMessage(event.key, event.type, clean_header(digest.subject(report)),
                        digest.text(report, link),
                        payload={"report": report, "route": event.payload["route"]},
                        report=report, link=link, generated=event.at)


def measure_message(event: Event, config: Config) -> AlertMessage:
    measure = event.payload["measure"]
    brand = config.brand(event.payload["brand"])
    name = brand.name if brand else event.payload["brand"]
    subject = clean_header(f"[brandguard] 改进措施逾期 {name}：{measure['text'][:40]}")
    summary = (f"{name}年度评价的改进措施“{measure['text']}”（{measure['owner']}负责）"
               f"应于 {measure['due']} 前完成，目前尚未完成。")
    return AlertMessage(event.key, event.type, subject, summary,
                        next_steps=(f"完成后登记：brandguard measure done {measure['id']} "
                                    "--by 姓名",), payload={"event": event.to_json()})


def _evidence(store: DocumentReader, incident: Incident) -> tuple[tuple[str, str], ...]:
    """The first report (首发) leads, then the most authoritative originals; reposts only
    fill up when there are too few originals. The newest five would hide how it began."""
    hits = [h for h in (store.get(d) for d in incident.evidence[:EVIDENCE_SCAN]) if h]
    originals = [h for h in hits if h.duplicate_of is None] or hits
    reposts = [h for h in hits if h not in originals]
    ordered = sorted(originals, key=lambda h: h.when)[:1]
    ordered += sorted((h for h in originals if h not in ordered),
                      key=lambda h: (-h.authority, h.when))
    return tuple(((h.document.title or h.document.text)[:60], h.document.url or "")
                 for h in [*ordered, *reposts][:EVIDENCE_SHOWN])


def _next_steps(event_type: str, incident: Incident) -> tuple[str, ...]:
    """Open steps, soonest due first; none once the incident is resolved."""
    if event_type == events.INCIDENT_RESOLVED:
        return ()
    return tuple(f"{s.title}（{s.owner}，{s.due_at:%m-%d %H:%M}前）"
                 for s in sorted(incident.checklist, key=lambda s: s.due_at)
                 if s.done_at is None)[:3]


def probe_message(channel_id: str, now: datetime) -> AlertMessage:
    """What `brandguard alerts test` sends: clearly a test, same shape as a real alert."""
    return AlertMessage(f"test:{channel_id}:{now.isoformat()}", "test",
                        "[brandguard] 测试消息 test message",
                        f"这是一条测试消息，发送时间 {now:%Y-%m-%d %H:%M:%S}。",
                        (("示例证据标题 <b>不会被渲染</b>", "http://example.com/a"),),
                        ("核实信息来源（协会秘书处）",), {"test": True})


def render_text(message: AlertMessage) -> str:
    if message.report is not None:
        return message.summary
    lines = [message.subject, "", message.summary]
    if message.evidence:
        lines += ["", "证据：", *(f"- {t} {u}" for t, u in message.evidence)]
    if message.next_steps:
        lines += ["", "下一步：", *(f"- {s}" for s in message.next_steps)]
    return "\n".join(lines)


def render_html(message: AlertMessage) -> str:
    if message.report is not None:
        return digest_document(message, "html").decode()

    def item(title: str, url: str) -> str:
        link = safe_link(url)
        text = html.escape(title)
        if link is None:
            return f"<li>{text}</li>"
        return (f'<li><a href="{html.escape(link, quote=True)}" rel="noopener noreferrer">'
                f"{text}</a></li>")

    parts = [f"<h2>{html.escape(message.subject)}</h2>", f"<p>{html.escape(message.summary)}</p>"]
    if message.evidence:
        parts.append("<h3>证据</h3><ul>" + "".join(item(t, u) for t, u in message.evidence)
                     + "</ul>")
    if message.next_steps:
        parts.append("<h3>下一步</h3><ol>" + "".join(f"<li>{html.escape(s)}</li>"
                                                  for s in message.next_steps) + "</ol>")
    return "\n".join(parts)


def render_markdown(message: AlertMessage) -> str:
    if message.report is not None:
        from brandguard.reports import digest  # see _DIGESTS_LAZILY

        return digest.markdown(message.report, message.link)
    lines = [f"### {escape_markdown(message.subject)}", escape_markdown(message.summary)]
    lines += [f"- {markdown_link(title, url)}" for title, url in message.evidence]
    if message.next_steps:
        lines.append("**下一步**")
        lines += [f"{i}. {escape_markdown(s)}" for i, s in enumerate(message.next_steps, 1)]
    return "\n".join(lines)


def digest_document(message: AlertMessage, fmt: str) -> bytes:
    """The digest's report rendered whole (the mail's HTML body, its PDF attachment)."""
    if message.report is None or message.generated is None:
        raise ValueError(f"{message.key} is not a digest")
    from brandguard.reports.layout import compose  # see _DIGESTS_LAZILY
    from brandguard.reports.render import renderer

    generated = message.generated
    return renderer(fmt).render(compose(message.report, generated.tzinfo or UTC, generated))
