"""The Elasticsearch store backend (`http(s)://` store URLs): the scale-out engine."""
