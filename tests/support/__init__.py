"""What many tests share: data set-up through the domain, probes (write lock, races), tampering past the
guards, a running portal, PostgreSQL roles. Helpers, not tests: pytest collects nothing here."""
