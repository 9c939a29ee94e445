"""The append-only, hash-chained point ledger: posting entries under the per-user lock, verifying chains and anchors, the resident's statement and the admin's ledger browser and export."""
