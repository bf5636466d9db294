"""Every event brandguard emits, declared here before it is used anywhere.

Events are written to the store's outbox in the same transaction as the incident
transition that causes them (one event per transition); the alerting stage delivers them
at least once, and each carries a stable idempotency key so receivers can drop repeats.
"""

from __future__ import annotations

INCIDENT_OPENED = "incident.opened"
"""A (brand, category) signal crossed the opening rule; payload: the incident."""

INCIDENT_ESCALATED = "incident.escalated"
"""An open incident's level rose (e.g. III -> II); payload: the incident, previous level."""

INCIDENT_RESOLVED = "incident.resolved"
"""Resolved by a person, or automatically after the quiet period; payload: the incident."""

CHECKLIST_OVERDUE = "checklist.overdue"
"""A contingency-plan step passed its deadline unchecked; payload: incident and step."""

REPORT_DIGEST = "report.digest"
"""A digest route's report for a period just ended; payload: route, channels, brand, period
and the report's JSON figures (ARCHITECTURE §4.6), fixed when the digest is decided so
every retry sends the same report. Key: digest:{route}:{brand}:{from}:{to}."""

MEASURE_OVERDUE = "measure.overdue"
"""An improvement measure (改进措施) of a yearly evaluation passed its deadline undone;
payload: organization, brand, measure. Key: measure:{id}:overdue (once per measure)."""

ALL = (INCIDENT_OPENED, INCIDENT_ESCALATED, INCIDENT_RESOLVED, CHECKLIST_OVERDUE,
       REPORT_DIGEST, MEASURE_OVERDUE)
