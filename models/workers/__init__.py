"""Worker processes, where Keras and TensorFlow run so that the page's server never loads them:
the training service and its pool, the job a worker runs, and the Keras lane."""
