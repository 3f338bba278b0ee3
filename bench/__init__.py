"""The benchmark project: ``python bench/run.py`` (see bench/README.md)."""
