"""Comparisons of configurations trained alike, and the guided relatedness sweep."""
