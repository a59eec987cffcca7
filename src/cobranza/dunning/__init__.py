"""Collection strategies and the daily run."""
