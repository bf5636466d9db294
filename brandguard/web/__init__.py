"""The web app: REST API (/api/v1) and the Chinese-first dashboard, over the store."""
