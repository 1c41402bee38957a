"""Running jobs drawn as they grow: progress bars and charts that the browser draws from the
jobs' progress files."""
