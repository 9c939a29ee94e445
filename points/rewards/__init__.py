"""Rewards residents redeem points for: the catalogue, redemption with a code, cancellation with a refund."""
