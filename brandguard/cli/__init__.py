"""The `brandguard` command line (ARCHITECTURE §4.1)."""
