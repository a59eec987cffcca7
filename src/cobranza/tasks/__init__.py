"""Collectors' call and visit tasks: the work queue and the outcomes they log."""
