"""Plain Keras model builders used by the skastro.neural estimators.

Each builder is a function in the scikeras style: it receives ``meta`` (what
the estimator learned from the data: ``input_shape``, ``n_classes_``,
``dtype`` of the inputs and outputs, ``dtype_policy`` of the hidden layers,
...) and ``compile_kwargs`` (optimizer, loss, metrics) plus the
architecture parameters of the estimator, and returns a compiled
:class:`keras.Model`. Only standard Keras layers are used, so the models save
to and load from the ``.keras`` format with ``safe_mode=True``.

A user may pass their own function with the same calling convention as the
``model`` parameter of any skastro.neural estimator.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._heads import regression_head

__all__ = ["autoencoder_builder", "cnn_builder", "mlp_builder"]


def _regulariser(keras, l2: float):
    return keras.regularizers.L2(l2) if l2 > 0 else None


def _dense(keras, units: int, activation, l2: float, dtype: str, name=None):
    """A ``Dense`` layer with the builder's activation (None: linear) and L2."""
    return keras.layers.Dense(
        int(units),
        activation=activation,
        kernel_regularizer=_regulariser(keras, l2),
        dtype=dtype,
        name=name,
    )


def _conv(keras, Conv, filters: int, kernel_size: int, activation, l2, dtype: str):
    """A ``same``-padded convolution with the builder's activation and L2 penalty."""
    return Conv(
        int(filters),
        kernel_size,
        padding="same",
        activation=activation,
        kernel_regularizer=_regulariser(keras, l2),
        dtype=dtype,
    )


def _softmax_classifier(keras, inputs, h, meta: dict, compile_kwargs: dict, name):
    """Close the network ``inputs -> h`` with a softmax over the classes; compile.

    A regressor's ``meta`` names an ``output_head`` instead (see
    :mod:`skastro.neural._heads`): the same trunk then ends in that head.
    """
    if "output_head" in meta:
        return regression_head(keras, inputs, h, meta, compile_kwargs, name)
    # the output in the data's precision (float32 under mixed precision)
    outputs = keras.layers.Dense(
        meta["n_classes_"], activation="softmax", dtype=meta["dtype"]
    )(h)
    model = keras.Model(inputs, outputs, name=name)
    model.compile(**compile_kwargs)
    return model


def mlp_builder(
    meta: dict,
    compile_kwargs: dict,
    hidden_layer_sizes: Sequence[int] = (64, 32),
    dropout: float = 0.0,
    l2: float = 0.0,
    activation: str = "relu",
):
    """Dense classifier: hidden layers, optional dropout and L2, softmax output.

    Parameters
    ----------
    meta : dict
        ``input_shape``, ``n_classes_`` and ``dtype`` of the estimator.
    compile_kwargs : dict
        Arguments of :meth:`keras.Model.compile`.
    hidden_layer_sizes : sequence of int, default=(64, 32)
        Units of each hidden ``Dense`` layer.
    dropout : float, default=0.0
        Dropout rate after each hidden layer (0 disables it).
    l2 : float, default=0.0
        L2 penalty on the kernels of the hidden layers (0 disables it).
    activation : str, default="relu"
        Activation of the hidden layers.

    Returns
    -------
    model : keras.Model
        The compiled network.
    """
    import keras

    input_dtype, dtype = _dtypes(meta)
    inputs = keras.Input(shape=meta["input_shape"], dtype=input_dtype)
    h = inputs
    for units in hidden_layer_sizes:
        h = _dense(keras, units, activation, l2, dtype)(h)
        if dropout > 0:
            h = keras.layers.Dropout(dropout, dtype=dtype)(h)
    return _softmax_classifier(keras, inputs, h, meta, compile_kwargs, "mlp")


def _dtypes(meta: dict) -> tuple[str, str]:
    """The dtype of the inputs and the dtype policy of the hidden layers.

    They differ under mixed precision (``meta["dtype_policy"]`` is
    ``"mixed_float16"``: float32 inputs and outputs, float16 hidden layers).
    """
    return meta["dtype"], meta.get("dtype_policy", meta["dtype"])


def _conv_layers(keras, ndim: int):
    if ndim == 1:
        return keras.layers.Conv1D, keras.layers.MaxPooling1D
    return keras.layers.Conv2D, keras.layers.MaxPooling2D


def cnn_builder(
    meta: dict,
    compile_kwargs: dict,
    conv_filters: Sequence[int] = (16, 32),
    kernel_size: int = 3,
    dense_units: Sequence[int] = (128,),
    dropout: float = 0.25,
    l2: float = 0.0,
    activation: str = "relu",
    downsample: int = 1,
):
    """Convolutional classifier for images (H, W, C) or series (L, C).

    Each block is a ``same``-padded convolution followed by a 2x max-pooling
    (``same`` padding, so short inputs never shrink below one pixel); then
    flatten, dense layers with dropout and a softmax output.

    Parameters
    ----------
    meta : dict
        ``input_shape`` (``(H, W, C)`` or ``(L, C)``), ``n_classes_`` and
        ``dtype``.
    compile_kwargs : dict
        Arguments of :meth:`keras.Model.compile`.
    conv_filters : sequence of int, default=(16, 32)
        Filters of each convolutional block.
    kernel_size : int, default=3
        Size of the convolution kernels.
    dense_units : sequence of int, default=(128,)
        Units of the dense layers after the convolutions.
    dropout : float, default=0.25
        Dropout rate before each dense layer (0 disables it).
    l2 : float, default=0.0
        L2 penalty on all kernels (0 disables it).
    activation : str, default="relu"
        Activation of the hidden layers.
    downsample : int, default=1
        Average-pool the input by this factor first (e.g. 2 turns 150x150
        cutouts into 75x75), which makes training faster.

    Returns
    -------
    model : keras.Model
        The compiled network.
    """
    import keras

    input_dtype, dtype = _dtypes(meta)
    shape = tuple(meta["input_shape"])
    ndim = len(shape) - 1
    Conv, Pool = _conv_layers(keras, ndim)
    AvgPool = (
        keras.layers.AveragePooling1D if ndim == 1 else keras.layers.AveragePooling2D
    )
    inputs = keras.Input(shape=shape, dtype=input_dtype)
    h = inputs
    if downsample > 1:
        h = AvgPool(downsample, padding="same", dtype=dtype)(h)
    for filters in conv_filters:
        h = _conv(keras, Conv, filters, kernel_size, activation, l2, dtype)(h)
        h = Pool(2, padding="same", dtype=dtype)(h)
    h = keras.layers.Flatten(dtype=dtype)(h)
    for units in dense_units:
        if dropout > 0:
            h = keras.layers.Dropout(dropout, dtype=dtype)(h)
        h = _dense(keras, units, activation, l2, dtype)(h)
    if dropout > 0:
        h = keras.layers.Dropout(dropout, dtype=dtype)(h)
    return _softmax_classifier(keras, inputs, h, meta, compile_kwargs, "cnn")


def autoencoder_builder(
    meta: dict,
    compile_kwargs: dict,
    encoder_units: Sequence[int] = (64, 16),
    kind: str = "dense",
    kernel_size: int = 3,
    activation: str = "relu",
    l2: float = 0.0,
):
    """Dense or convolutional autoencoder with a named ``latent`` layer.

    ``kind="dense"``: ``Dense`` layers of ``encoder_units`` down to the
    latent code (the last entry, linear), mirrored back to the input size.
    ``kind="conv"``: ``same``-padded convolutions with ``encoder_units[:-1]``
    filters, each followed by 2x pooling, then a dense latent layer of
    ``encoder_units[-1]`` units; the decoder mirrors it with upsampling and
    crops back to the input shape. The output is flat, ``(n_samples,
    n_features)`` for dense and ``(n_samples, prod(input_shape))`` for conv:
    the target is the flattened input. The encoder ends at the layer named
    ``"latent"``, which :meth:`Autoencoder.transform` reads.

    Parameters
    ----------
    meta : dict
        ``input_shape`` and ``dtype``.
    compile_kwargs : dict
        Arguments of :meth:`keras.Model.compile`.
    encoder_units : sequence of int, default=(64, 16)
        Units (dense) or filters (conv) of the encoder; the last entry is the
        size of the latent code.
    kind : {"dense", "conv"}, default="dense"
        Architecture.
    kernel_size : int, default=3
        Size of the convolution kernels (``kind="conv"``).
    activation : str, default="relu"
        Activation of the hidden layers.
    l2 : float, default=0.0
        L2 penalty on all kernels (0 disables it).

    Returns
    -------
    model : keras.Model
        The compiled autoencoder, output the flattened input shape.
    """
    import keras

    input_dtype, dtype = _dtypes(meta)
    shape = tuple(meta["input_shape"])
    units = [int(u) for u in encoder_units]
    inputs = keras.Input(shape=shape, dtype=input_dtype)
    if kind == "dense":
        h = inputs
        for u in units[:-1]:
            h = _dense(keras, u, activation, l2, dtype)(h)
        h = _dense(keras, units[-1], None, l2, dtype, name="latent")(h)
        for u in reversed(units[:-1]):
            h = _dense(keras, u, activation, l2, dtype)(h)
        outputs = keras.layers.Dense(shape[-1], dtype=input_dtype)(h)
    else:
        ndim = len(shape) - 1
        Conv, Pool = _conv_layers(keras, ndim)
        Up = keras.layers.UpSampling1D if ndim == 1 else keras.layers.UpSampling2D
        h = inputs
        for filters in units[:-1]:
            h = _conv(keras, Conv, filters, kernel_size, activation, l2, dtype)(h)
            h = Pool(2, padding="same", dtype=dtype)(h)
        inner = tuple(int(s) for s in h.shape[1:])
        h = keras.layers.Flatten(dtype=dtype)(h)
        h = _dense(keras, units[-1], None, l2, dtype, name="latent")(h)
        h = _dense(keras, _prod(inner), activation, l2, dtype)(h)
        h = keras.layers.Reshape(inner, dtype=dtype)(h)
        for filters in reversed(units[:-1]):
            h = Up(2, dtype=dtype)(h)
            h = _conv(keras, Conv, filters, kernel_size, activation, l2, dtype)(h)
        # crop the upsampled grid back to the input size, then map to channels
        excess = [int(h.shape[1 + i]) - shape[i] for i in range(ndim)]
        if any(excess):
            if ndim == 1:
                h = keras.layers.Cropping1D((0, excess[0]), dtype=dtype)(h)
            else:
                h = keras.layers.Cropping2D(
                    ((0, excess[0]), (0, excess[1])), dtype=dtype
                )(h)
        h = Conv(shape[-1], kernel_size, padding="same", dtype=input_dtype)(h)
        # flat output: the loss is then one mean squared error per sample
        outputs = keras.layers.Flatten(dtype=input_dtype)(h)
    model = keras.Model(inputs, outputs, name=f"{kind}_autoencoder")
    model.compile(**compile_kwargs)
    return model


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= int(v)
    return out
