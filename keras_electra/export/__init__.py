"""Serving SavedModels: raw text in, with the tokenizer in the graph.

Example:
>>> from keras_electra.export import export_saved_model
>>> export_saved_model("runs/sst2/model", "exported/sst2")  # doctest: +SKIP
"""

from keras_electra.export.saved_model_export import export_saved_model
from keras_electra.export.serving_settings import read_serving_settings, write_serving_settings
