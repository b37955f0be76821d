"""Test support shared by the test suites and the benchmarks (not used by the running site)."""
