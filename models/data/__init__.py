"""The series a model trains on: generated toy data, a person's CSV, their windows."""
