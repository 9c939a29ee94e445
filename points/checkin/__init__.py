"""One check-in mechanism for events, recycling stations and trailheads: checkpoints, signed QR tokens, the scan
decision, closing an event, printable posters and the resident's personal code.
"""
