"""Alert channels: a class each, registered by `type` in `brandguard.alerts.channels.registry`."""
