"""The Model tab: the graph, the tables, the sentences, the code, and the diff with another
configuration."""
