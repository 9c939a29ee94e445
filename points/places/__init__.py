"""The city's places and health trails: loading, importing and editing them, closures, distances and datum shifts,
and which trail segments a walk covered.
"""
