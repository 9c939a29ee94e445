"""Points that expire, fairly (an optional city policy, off by default): when they expire, how many, the
`expire` ledger entries that take them away, and the notices that warn residents ahead of time.

The rule (GREEN_EGRET_POINTS_EXPIRE_YEARS = N): points earned in local year Y expire at the end of year Y + N.
Spending counts against the oldest points first, so what expires at the end of Y + N is
    everything received in years <= Y (every positive entry: credits, refunds, positive adjustments)
    - everything spent or taken away before that moment (every negative entry but `expire`: redemptions, gifts,
      reversals, negative adjustments)
    - everything that has expired already,
floored at 0 and never more than the resident's balance at the moment it is written. Because the sums are
cumulative, a year the command missed is covered by the next run.
"""
