"""A person's `.keras` file -> a safely loaded model and its analysis (in a worker)."""
