"""A built Keras model -> standalone Keras code that rebuilds it exactly."""
