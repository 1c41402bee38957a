"""Streamlit drawing code: each module renders plain data made by `models/`."""
