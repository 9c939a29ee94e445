"""City-wide figures: dashboard and its rollups, the public landing's totals and the credit feed."""
