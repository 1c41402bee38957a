"""Everything below the page: pure Python + Keras, never Streamlit.

`spec` (the one `ModelSpec`), `urlstate` (settings <-> query string) and `inspect` (spec ->
what the Model tab shows) sit here; each subpackage has one job (see README, "Layout of the
code"). Import from the module that defines a name: package `__init__`s stay empty so that
importing one part never loads another.
"""
