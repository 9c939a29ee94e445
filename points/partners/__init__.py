"""Verified sources (issue 13): partner systems (metro, bike share, recycling machines, utilities) that report
what residents did. Owns the partner registry and signing keys, request signatures, residents' consented links
(link codes, unlinking, consent history), ingesting partner events into verified claims, per-day reconciliation
and spike flags, and CSV imports for partners without an API. The HTTP layer (ui/partner_api.py) and the admin
and resident pages sit above it.
"""
