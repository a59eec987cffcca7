"""The customer's collection state: promises, disputes, pauses, extensions, plans, contact."""
