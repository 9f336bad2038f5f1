"""Image augmentation by the symmetries of the pixel grid (flips, quarter turns).

The sky has no preferred orientation, so a flipped or rotated cutout is a
physically valid copy. Augmentation happens in NumPy, batch by batch, before
the data reach Keras: the Keras model holds no augmentation layer, so its
``.keras`` file loads safely anywhere. :class:`~skastro.neural.CNNClassifier`
uses it when ``augment=True``.
"""

from __future__ import annotations

import numpy as np

from ._keras_runtime import import_keras

__all__ = ["augment_images", "augmented_batches"]


def augment_images(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Randomly flip and rotate by multiples of 90 degrees a batch of images.

    Parameters
    ----------
    X : ndarray of shape (n_samples, height, width, n_channels)
        Images. Rotations are applied only when ``height == width``.
    rng : numpy.random.Generator
        Source of the random transformations.

    Returns
    -------
    X_aug : ndarray of the same shape and dtype as ``X``
        One of the 8 (square) or 4 (rectangular) symmetries of the image
        grid, drawn independently for each image.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.neural._augment import augment_images
    >>> X = np.arange(4.0).reshape(1, 2, 2, 1)
    >>> out = augment_images(X, np.random.default_rng(0))
    >>> out.shape, sorted(out.ravel().tolist())
    ((1, 2, 2, 1), [0.0, 1.0, 2.0, 3.0])
    """
    X = np.array(X, copy=True)
    n = X.shape[0]
    flip_h = rng.random(n) < 0.5
    flip_v = rng.random(n) < 0.5
    X[flip_h] = X[flip_h, :, ::-1]
    X[flip_v] = X[flip_v, ::-1]
    if X.shape[1] == X.shape[2]:
        k = rng.integers(0, 4, size=n)
        for quarter in (1, 2, 3):
            sel = k == quarter
            if sel.any():
                X[sel] = np.rot90(X[sel], quarter, axes=(1, 2))
    return X


def augmented_batches(X, y, sample_weight, batch_size: int, seed: int, transform=None):
    """A ``keras.utils.PyDataset`` of shuffled, transformed training batches.

    Each epoch visits the samples in a new random order (the rows of a batch
    read in increasing order, so a memory-mapped ``X`` is read forward);
    each batch gets the random flips and quarter turns of
    :func:`augment_images`, or ``transform(batch_index, X_batch)`` when
    given (e.g. a cast and check of batches read from a memory map). Orders
    and transformations are drawn from NumPy generators seeded with
    ``seed``, so a seeded fit stays repeatable.
    """
    keras = import_keras()
    if transform is None:
        augment_rng = np.random.default_rng([seed, 1])

        def transform(index, X_batch):
            return augment_images(X_batch, augment_rng)

    class AugmentedImageBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.order = self.rng.permutation(len(X))

        def __len__(self):
            return int(np.ceil(len(X) / batch_size))

        def __getitem__(self, index):
            rows = np.sort(self.order[index * batch_size : (index + 1) * batch_size])
            return transform(index, X[rows]), y[rows], sample_weight[rows]

        def on_epoch_end(self):
            self.order = self.rng.permutation(len(X))

    return AugmentedImageBatches()
