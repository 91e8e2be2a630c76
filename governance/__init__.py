"""Governance of changes: four-eyes change requests and scheduled changes (maintenance windows).

It sits above ``connectors_ui.changes``: every plan it applies goes through the same change
services (role, reason, stale-write check, audit) as the dashboard's own forms.
"""
