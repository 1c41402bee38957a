"""Training a model: the engine, its compiled step and optimizer, the conflict it measures, the
history it keeps (run inside worker processes, never in the server)."""
