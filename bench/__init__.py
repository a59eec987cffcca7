"""Data generators and benchmarks."""
