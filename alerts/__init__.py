"""Notify: alert messages built from outbox events, and the channels that carry them
(email, generic webhook, DingTalk, WeCom and Feishu robots).

Not yet here (see the alerts issue): routing, repeat intervals and quiet hours, the
delivery worker with retries over the outbox, and the delivery log.
"""
