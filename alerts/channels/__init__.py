"""Alert channels: a class each, registered by `type` in `alerts.channels.registry`."""
