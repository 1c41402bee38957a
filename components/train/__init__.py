"""The Train tab: a run's controls, progress, charts and what the run measured (conflict, gates)."""
