"""Outbound network access shared by the stages: the SSRF guard and a guarded HTTP client."""
