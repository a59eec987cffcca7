"""The pure domain: money, terms, allocation, interest and aging (no database, web or clock)."""
