"""One check-in mechanism for events, recycling stations and trailheads: checkpoints, signed QR tokens, the scan decision, printable posters and the resident's personal code."""
