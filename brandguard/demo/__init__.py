"""Demo code, kept out of the stages: the sample sites that serve the demo's story on loopback,
and the mail catcher and webhook receiver that the demo's alerts go to. `brandguard demo`, the
benchmarks and the tests use them; no stage does."""
