"""Payments received: money in, and what it settles."""
