"""`factcheck eval`: suites of cases with known answers, scored offline, gated against thresholds and a baseline."""
