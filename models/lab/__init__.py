"""The Lab: live numerical demonstrations of what layer sharing is, one per module."""
