"""Notify: alert messages built from outbox events, routed (routes, repeat interval, quiet
hours, silences) and delivered at least once through email, generic webhook, and the
DingTalk, WeCom and Feishu robots, with retries and a delivery log.
"""
