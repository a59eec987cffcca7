"""Insight: who owes what and how late (aging, statements) and the formats a finance team uses."""
