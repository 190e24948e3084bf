"""Journal views, one module per feature; every private row is reached through journal.access."""
