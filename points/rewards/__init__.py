"""Rewards residents redeem points for: the list on offer, redemption with a code, cancellation with a refund, and
the admin's changes to a reward's terms.
"""
