"""What a person reads for the ids brandguard stores: one table, used by the terminal,
the dashboard, alerts and reports (ids stay in the API, `--json` and config files)."""

from __future__ import annotations

STATUS = {"open": "待处理", "acknowledged": "处理中", "resolved": "已解决"}  # the dashboard's words
POLARITY = {"positive": "正面", "neutral": "中性", "negative": "负面"}
ACTIONS = {"opened": "开启", "escalated": "升级", "overdue": "步骤逾期", "checked": "完成步骤",
           "silenced": "静默", "acknowledged": "确认", "resolved": "解除"}
EVENTS = {"incident.opened": "事件开启", "incident.escalated": "事件升级",
          "incident.resolved": "事件解除", "checklist.overdue": "预案步骤逾期",
          "report.digest": "舆情简报", "measure.overdue": "改进措施逾期", "test": "测试消息"}
# incident categories that are a signal's own rather than a lexicon category
SIGNAL_CATEGORIES = {"sentiment": "负面情绪上升"}
DELIVERY = {"pending": "待发送", "sent": "已发送", "failed": "发送失败", "suppressed": "已抑制"}


def label(table: dict[str, str], key: str) -> str:
    return table.get(key, key)
