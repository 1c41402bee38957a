"""The page's frame: one run of the page, the sidebar, the session and the
link, the error boundary, styles, the cached resources, and the batches of runs the tabs start."""
