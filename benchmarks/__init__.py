"""Speed measurements (run them by hand; they are not part of the timed test suite)."""
