"""A resident's logged action, from submission through the daily cap to credit, review decision, reversal and
reinstatement.
"""
