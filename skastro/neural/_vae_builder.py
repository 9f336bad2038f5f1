"""The conditional variational autoencoder behind :class:`VAEOverSampler`.

A CVAE (Sohn et al. 2015) with a Gaussian decoder whose variance is learned
(a calibrated decoder, Rybkin et al. 2021): the encoder maps a scaled row
and its one-hot class to the mean and log-variance of a Gaussian latent
code; the decoder maps a latent code and a one-hot class to the mean and
log-variance of each feature, so that the balance of reconstruction and KL
terms follows the data instead of a fixed scale.

The loss is written with ``keras.ops`` only (no backend-specific training
step): the training model outputs ``[x_mean, x_log_var, z_mean,
z_log_var]`` side by side and :func:`cvae_loss` takes them apart (the
decoder's log-variance clipped to [-12, 8] against overflow). Keras is
imported by the callers (through
:func:`~skastro.neural._keras_runtime.import_keras`), never at module import.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

__all__ = ["LOG_VAR_RANGE", "build_cvae", "cvae_loss"]

#: bounds of the decoder's log-variance, in the loss and when sampling
LOG_VAR_RANGE = (-12.0, 8.0)


@cache
def _reparameterise_layer(keras):
    """The sampling layer, defined once Keras is imported."""

    class Reparameterise(keras.layers.Layer):
        """``z = mean + exp(log_var / 2) * eps``, ``eps`` seeded standard normal."""

        def __init__(self, seed: int, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, inputs):
            mean, log_var = inputs
            eps = keras.random.normal(
                keras.ops.shape(mean), dtype=mean.dtype, seed=self.seed_generator
            )
            return mean + keras.ops.exp(0.5 * log_var) * eps

    return Reparameterise


def _mlp(keras, h, units: Sequence[int], prefix: str):
    for i, n in enumerate(units):
        h = keras.layers.Dense(int(n), activation="relu", name=f"{prefix}_{i}")(h)
    return h


def build_cvae(
    keras,
    *,
    n_features: int,
    n_classes: int,
    latent_dim: int,
    hidden_units: Sequence[int],
    seed: int,
):
    """The training model and the decoder of a conditional VAE.

    Parameters
    ----------
    keras : module
        The imported ``keras``.
    n_features, n_classes : int
        Width of a row and number of classes (of the one-hot condition).
    latent_dim : int
        Size of the latent code.
    hidden_units : sequence of int
        Units of the encoder's hidden layers; the decoder mirrors them.
    seed : int
        Seed of the reparameterisation noise.

    Returns
    -------
    train_model : keras.Model
        ``[x, c] -> [x_mean, x_log_var, z_mean, z_log_var]``
        (concatenated), to be trained with :func:`cvae_loss` against ``x``.
    decoder : keras.Model
        ``[z, c] -> [x_mean, x_log_var]`` (concatenated), sharing the
        training model's weights.
    """
    Reparameterise = _reparameterise_layer(keras)
    x = keras.Input((n_features,), name="x")
    c = keras.Input((n_classes,), name="condition")
    h = _mlp(keras, keras.layers.Concatenate()([x, c]), hidden_units, "encoder")
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(h)
    z = Reparameterise(seed, name="z")([z_mean, z_log_var])

    z_in = keras.Input((latent_dim,), name="z")
    c_in = keras.Input((n_classes,), name="condition")
    g = _mlp(
        keras, keras.layers.Concatenate()([z_in, c_in]), hidden_units[::-1], "decoder"
    )
    x_mean = keras.layers.Dense(n_features, name="x_mean")(g)
    x_log_var = keras.layers.Dense(n_features, name="x_log_var")(g)
    x_out = keras.layers.Concatenate()([x_mean, x_log_var])
    decoder = keras.Model([z_in, c_in], x_out, name="decoder")

    out = keras.layers.Concatenate()([decoder([z, c]), z_mean, z_log_var])
    return keras.Model([x, c], out, name="cvae"), decoder


def cvae_loss(keras, n_features: int, latent_dim: int, beta: float):
    """The negative ELBO per row: Gaussian reconstruction + ``beta`` * KL.

    Parameters
    ----------
    keras : module
        The imported ``keras``.
    n_features, latent_dim : int
        Widths of the parts of the training model's output.
    beta : float
        Weight of the KL term (Higgins et al. 2017's beta-VAE).

    Returns
    -------
    loss : callable
        ``loss(x, output)`` for :meth:`keras.Model.compile`.
    """
    ops = keras.ops
    d, k = n_features, latent_dim

    def loss(x, out):
        x_mean = out[:, :d]
        x_log_var = ops.clip(out[:, d : 2 * d], *LOG_VAR_RANGE)
        z_mean, z_log_var = out[:, 2 * d : 2 * d + k], out[:, 2 * d + k :]
        sq = ops.square(x - x_mean) * ops.exp(-x_log_var)
        nll = 0.5 * ops.sum(sq + x_log_var, -1)
        kl_terms = ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var
        return nll + beta * 0.5 * ops.sum(kl_terms, -1)

    return loss
