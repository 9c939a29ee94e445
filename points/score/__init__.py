"""The green credit score: its rules and facts, the next step the caps allow (next_step), badges, leaderboards and
the appeal path."""
