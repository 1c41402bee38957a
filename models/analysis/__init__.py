"""Any built Keras model -> plain data: every layer object and call, totals, tables, DOT."""
