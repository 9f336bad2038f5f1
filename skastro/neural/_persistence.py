"""Pickling of the trained Keras model in the ``.keras`` format.

The estimators' ``__getstate__`` replaces the model by the bytes of its
``.keras`` file, and ``__setstate__`` loads it back with ``safe_mode=True``
(the models hold no Lambda layer, so nothing is deserialised as code).
"""

from __future__ import annotations

import os
import tempfile

from ._keras_runtime import import_keras

__all__ = ["model_from_bytes", "model_to_bytes"]


def model_to_bytes(model) -> bytes:
    """The contents of ``model``'s ``.keras`` file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        with open(path, "rb") as fh:
            return fh.read()


def model_from_bytes(data: bytes):
    """The (uncompiled) Keras model saved by :func:`model_to_bytes`."""
    keras = import_keras()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        with open(path, "wb") as fh:
            fh.write(data)
        return keras.saving.load_model(path, compile=False, safe_mode=True)
