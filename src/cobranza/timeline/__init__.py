"""The customer's timeline: an append-only, hash-chained activity log."""
