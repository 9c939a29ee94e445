"""People and their access: users, passwords, sign-in sessions and their throttle, admin account management, and a
resident's data rights.
"""
