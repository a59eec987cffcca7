"""What the debtor reads: templates rendered per language, the outbox and the worker that sends it."""
