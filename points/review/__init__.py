"""The admins' review queue: pending claims and held check-ins, the decision on each, and the anomaly flags
raised for them."""
