"""Collect: scheduled Scrapy spiders and feedparser RSS/Atom pollers (built in the collection
issue; nothing here yet).
"""
