"""The append-only audit log of admin and organizer actions: written in the action's own transaction, read by
staff.
"""
