"""Deterministic generator of the sample corpus in documents/ (run: python -m scripts.corpus)."""
