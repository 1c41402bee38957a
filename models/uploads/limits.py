"""What an uploaded `.keras` file may be and cost, and the error that says why one is refused.

Every limit on uploads is here, the page's text included, so none is written twice. Nothing
here imports Keras: the page server reads these.
"""

from __future__ import annotations

# The file and its zip archive (models.uploads.loader.check_archive)
MAX_MODEL_MB = 25  # also server.maxUploadSize in .streamlit/config.toml, the largest uploader's
MAX_UNPACKED_MB = 200  # a zip can unpack far beyond its size
MAX_CONFIG_MB = 10  # config.json of a 500-layer model is well under 1 MB
MAX_ENTRIES = 100  # a Keras archive holds three files

# What config.json declares (models.uploads.config_scan), checked before Keras reads it
MAX_LAYERS = 500  # layer objects, sub-models opened up (the analysis counts the same)
MAX_CALLS = 2000  # with sub-models opened up: a shared sub-model multiplies its layers' calls
MAX_NESTING = 8  # sub-models inside sub-models; ConvNeXt shared by two inputs nests 2 deep
MAX_JSON_DEPTH = 100  # JSON objects and lists inside each other; keras.applications reach 14
MAX_DIMENSION = 2**31  # any one size (units, filters, a shape's entry): TensorFlow's own bound
# Weights a config's shapes may declare. Keras allocates every variable while it reads
# config.json, before it opens the weights file; a file whose weights unpack to more than
# MAX_UNPACKED_MB cannot hold them anyway. ~52 M float32 parameters: ResNet50 (98 MB) loads.
MAX_WEIGHTS_MB = MAX_UNPACKED_MB

# The single-use process a file loads in (models.uploads.isolated)
LOAD_SECONDS = 60  # ResNet50's file loads and analyses in about 2 s
# Private memory of the loading process, measured at its peak: the example 33 MB, ResNet50
# 340-420 MB, the worst file within MAX_WEIGHTS_MB (one 49 M-parameter Dense: Keras holds its
# initial values, the variable and the values read from the file at once) 940 MB.
LOAD_MEMORY_MB = 1200
MAX_LOADS = 2  # files loading at once per server; a third waits for one of them

LIMITS_TEXT = (
    f"A `.keras` file (Keras 3 `model.save`), up to {MAX_MODEL_MB} MB, {MAX_LAYERS} layers, "
    f"{MAX_CALLS} layer calls and {MAX_WEIGHTS_MB} MB of weights; functional or Sequential "
    "models with built-in layers, nested sub-models included. Loaded in safe mode: no Lambda "
    "layers or custom code."
)


class ModelUploadError(ValueError):
    """A model file that cannot be analysed; the message is meant for the page."""
