"""A resident's logged action, from submission through the daily cap to credit, review decision, reversal and
reinstatement (lifecycle); where a claim came from and one credit per action and day across those channels,
self-reports the discounted side path next to verified data (channels).
"""
