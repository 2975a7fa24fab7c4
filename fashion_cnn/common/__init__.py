"""Loaded by every process: constants, paths, run settings, the dataset, model files."""
