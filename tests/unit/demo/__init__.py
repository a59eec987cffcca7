"""Tests of the demo data generator and the benchmark data writer."""
