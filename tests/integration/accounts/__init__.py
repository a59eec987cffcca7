"""Integration tests of the customer's collection state, collector tasks and the timeline."""
