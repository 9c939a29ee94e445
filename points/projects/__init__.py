"""Public projects residents give points to (Ant Forest's and Wuhan's "points into trees"): admins publish a
project with a goal; a gift is a `give` ledger entry, never more than the balance nor the goal still open; a
cancelled project gives every gift back once, a transaction per gift.

`registry`: projects, their statuses and the public list; `gifts`: giving; `refunds`: cancelling with refunds.
"""
