"""`python -m brandguard` is the `brandguard` command."""

from brandguard.cli.main import main

main()
