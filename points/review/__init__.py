"""The admins' review queue: pending claims decided one by one or in bulk, and the anomaly flags raised for them."""
