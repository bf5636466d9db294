"""Understand: segmentation, brand matching, sentiment, trust-damage tags, keywords, simhash.

Pure functions over text plus configuration; no I/O besides loading shipped data files.
"""
