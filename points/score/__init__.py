"""The green credit score: its rules and facts, badges, leaderboards and the appeal path."""
