"""The Compare tab: the list of configurations, their runs side by side, and the sweep."""
