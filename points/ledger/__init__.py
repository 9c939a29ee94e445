"""The append-only, hash-chained point ledger: `chain` posts entries under the per-user lock, `settled` knows the
ledger's settled head, `verify` and `anchors` prove chains, balances and the tail, `statement` is the resident's
own view, `browser` the staff's filtered pages, `export` the auditors' CSV, `adjustments` the manual corrections.
"""
