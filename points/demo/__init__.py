"""Seeding: the city's data at first start and, for `seed --demo` only, demo accounts, checkpoints and history.
Sits above every other package because it creates through the domain.
"""
