"""Notify: email, webhook and workplace-robot channels with a durable outbox (built in the
alerts issue; nothing here yet).
"""
