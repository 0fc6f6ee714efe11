"""The `minamata` command: the composition root that wires settings, store, indexer and UI."""
