"""Spec -> Keras model: the variant registry, builders, exact parameter counts, sentences."""
