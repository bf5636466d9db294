"""Benchmarks behind `brandguard bench …`: measured figures beside a same-run baseline."""
