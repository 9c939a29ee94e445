"""The admins' review queue: pending claims and the decision on each, and the anomaly flags raised for them."""
