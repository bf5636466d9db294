"""Collect: RSS/Atom pollers (feeds.py, poller.py) that hand documents to the pipeline.

Not yet here (see the collection issue): Scrapy spiders for news and review sites,
scheduling inside `brandguard run`, and the sample sites.
"""
