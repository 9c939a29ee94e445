"""Persistence: configuration, engine, tables and migrations. Knows tables, not rules."""
