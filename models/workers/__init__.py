"""Worker processes: where Keras and TensorFlow run, so that the page's server never loads them."""
