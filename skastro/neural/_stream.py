"""Training data that does not fit in memory: batch streams and memory maps.

A classifier's ``fit`` also accepts, in place of ``(X, y)``:

- a :class:`keras.utils.PyDataset` whose items are batches
  ``(X_batch, y_batch)`` or ``(X_batch, y_batch, sample_weight_batch)``;
- a function (e.g. a generator function) that returns a new iterable of such
  batches each time it is called: once per epoch, and once before training
  to count the batches (and find the classes, unless given);
- for a convolutional network, a :class:`numpy.memmap` ``X`` with ``y`` in
  memory: batches are read from the file as they are needed.

Every batch is checked as it arrives (:class:`BatchChecker`): an error names
the batch index and what was expected. A generator *object* is read once
only, which would leave later epochs empty: it is refused with a message
that says what to pass instead.
"""

from __future__ import annotations

import collections.abc
import types

import numpy as np

from ._augment import augment_images
from ._keras_runtime import import_keras

__all__ = [
    "BatchChecker",
    "RowSubset",
    "as_batch_source",
    "batches_dataset",
    "is_batch_stream",
    "needs_first_pass",
]


def is_batch_stream(X) -> bool:
    """Whether ``X`` is a stream of batches rather than an array-like."""
    if isinstance(X, types.GeneratorType | collections.abc.Iterator):
        return True
    if callable(X) and not hasattr(X, "__array__"):
        return True
    return any(
        klass.__name__ == "PyDataset" and klass.__module__.startswith("keras")
        for klass in type(X).__mro__
    )


class RowSubset:
    """Rows ``rows`` of an array read only when indexed (a memory map stays on disk)."""

    def __init__(self, X, rows: np.ndarray):
        self.X, self.rows = X, rows
        self.shape = (len(rows), *X.shape[1:])

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        return self.X[self.rows[index]]


class _PyDatasetSource:
    """Batches of a user's ``keras.utils.PyDataset``, by index."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def get(self, index: int):
        return self.dataset[index]

    def on_epoch_end(self) -> None:
        self.dataset.on_epoch_end()


class _FunctionSource:
    """Batches of the iterables returned by a function, read in order."""

    def __init__(self, make_batches):
        self.make_batches = make_batches
        self._iterator, self._next = None, 0
        self.n_batches = None

    def __len__(self) -> int:
        return self.n_batches

    def get(self, index: int):
        if self._iterator is None or index != self._next:
            self._iterator, self._next = iter(self.make_batches()), 0
            for _ in range(index):
                next(self._iterator)
                self._next += 1
        self._next += 1
        try:
            return next(self._iterator)
        except StopIteration:
            raise ValueError(
                f"the batch function stopped after {index} batches; expected "
                f"{self.n_batches} as in its first pass."
            ) from None

    def passes(self):
        """One pass over all batches (iterates a fresh iterable)."""
        return iter(self.make_batches())

    def on_epoch_end(self) -> None:
        self._iterator = None


def as_batch_source(X, *, owner: str):
    """The source of batches behind ``X``; a TypeError for a generator object."""
    if isinstance(X, types.GeneratorType | collections.abc.Iterator):
        raise TypeError(
            f"{owner}.fit got a generator (or iterator) object, which can be read "
            "once only; expected a function returning a new iterable of batches "
            "at each call (e.g. `lambda: my_batches()`) or a keras.utils.PyDataset."
        )
    if callable(X) and not hasattr(X, "__getitem__"):
        return _FunctionSource(X)
    return _PyDatasetSource(X)


def needs_first_pass(source, classes, class_weight) -> bool:
    """Whether the batches are read once before training.

    They are when the classes are not given, when ``class_weight="balanced"``
    needs the class counts, and for a function's batches, which must be
    counted.
    """
    return (
        classes is None
        or isinstance(class_weight, str)
        or isinstance(source, _FunctionSource)
    )


def _source_batches(source):
    if isinstance(source, _FunctionSource):
        yield from source.passes()
    else:
        for index in range(len(source)):
            yield source.get(index)


class BatchChecker:
    """Check, encode, weight and augment one batch of a stream or memory map.

    Parameters
    ----------
    owner : str
        Estimator name for the error messages.
    dtype : str
        Dtype of the network's data.
    shaped : bool
        Whether samples are images or series (a 2-D batch gets a channel axis).
    classes : ndarray or None, default=None
        Known classes; None while they are being collected.
    class_weight : dict of class to float or None, default=None
        Weight of each class, multiplied into the batch's weights.
    augment_rng : numpy.random.Generator or None, default=None
        Random flips and quarter turns of the images, when given.
    """

    def __init__(
        self, owner, dtype, *, shaped, classes=None, class_weight=None, augment_rng=None
    ):
        self.owner, self.dtype, self.shaped = owner, dtype, shaped
        self.classes, self.class_weight = classes, class_weight
        self.augment_rng = augment_rng
        self.sample_shape = None

    def _fail(self, index: int, what: str):
        raise ValueError(f"batch {index} of the training data of {self.owner} {what}")

    def X(self, index: int, X_batch) -> np.ndarray:
        """The samples of batch ``index`` as checked, finite ``dtype`` values."""
        try:
            X_batch = np.asarray(X_batch, dtype=self.dtype)
        except (TypeError, ValueError) as exc:
            self._fail(index, f"has X that is not numeric ({exc}); expected numbers.")
        if self.shaped and X_batch.ndim == 2:
            X_batch = X_batch[:, :, None]
        shape = tuple(int(s) for s in X_batch.shape[1:])
        if X_batch.ndim < 2 or not len(X_batch):
            self._fail(index, f"has X of shape {X_batch.shape}; expected samples.")
        if self.sample_shape is None:
            self.sample_shape = shape
        elif shape != self.sample_shape:
            self._fail(
                index,
                f"has samples of shape {shape}; expected {self.sample_shape} "
                "(the shape of batch 0's samples, channel axis included).",
            )
        bad = ~np.isfinite(X_batch.reshape(len(X_batch), -1)).all(axis=1)
        if bad.any():
            self._fail(
                index,
                f"has NaN or infinite values in sample {int(np.argmax(bad))} of the "
                "batch; expected finite values.",
            )
        if self.augment_rng is not None:
            if X_batch.ndim != 4:
                self._fail(
                    index,
                    f"has X of shape {X_batch.shape}; augment=True expects images "
                    "(n_samples, height, width, channels).",
                )
            X_batch = augment_images(X_batch, self.augment_rng)
        return X_batch

    def y(self, index: int, y_batch, n_samples: int) -> np.ndarray:
        """The labels of batch ``index`` (1-D, one per sample)."""
        y_batch = np.asarray(y_batch)
        if y_batch.ndim == 2 and y_batch.shape[1] == 1:
            y_batch = y_batch[:, 0]
        if y_batch.shape != (n_samples,):
            self._fail(
                index,
                f"has y of shape {y_batch.shape}; expected ({n_samples},), one "
                "label per sample.",
            )
        return y_batch

    def __call__(self, index: int, batch) -> tuple:
        """``(X, encoded y, weights)`` of one batch, checked."""
        if not isinstance(batch, tuple | list) or len(batch) not in (2, 3):
            self._fail(
                index,
                f"is a {type(batch).__name__}; expected a tuple (X_batch, y_batch) "
                "or (X_batch, y_batch, sample_weight_batch).",
            )
        X_batch = self.X(index, batch[0])
        y_batch = self.y(index, batch[1], len(X_batch))
        unseen = np.setdiff1d(y_batch, self.classes)
        if len(unseen):
            self._fail(
                index,
                f"has labels {unseen.tolist()!r} unseen at fit; expected labels "
                f"among {self.classes.tolist()!r} (pass all the labels as fit's "
                "`classes`).",
            )
        codes = np.searchsorted(self.classes, y_batch).astype(np.int32)
        weight = np.ones(len(X_batch))
        if len(batch) == 3:
            weight = np.asarray(batch[2], dtype=np.float64).reshape(-1)
            if weight.shape != (len(X_batch),) or not (weight >= 0).all():
                self._fail(
                    index,
                    f"has sample weights of shape {weight.shape}; expected "
                    f"({len(X_batch)},) non-negative values.",
                )
        if self.class_weight is not None:
            weight = weight * np.array([self.class_weight.get(c, 1.0) for c in y_batch])
        return X_batch, codes, weight.astype(self.dtype)

    def first_pass(self, source) -> np.ndarray:
        """Read every batch once: count and check them; return all their labels."""
        labels, n_batches = [], 0
        for index, batch in enumerate(_source_batches(source)):
            if not isinstance(batch, tuple | list) or len(batch) not in (2, 3):
                self(index, batch)  # raises the message about the batch's form
            X_batch = self.X(index, batch[0])
            labels.append(self.y(index, batch[1], len(X_batch)))
            n_batches += 1
        if not n_batches:
            raise ValueError(f"the training data of {self.owner} hold no batch.")
        if isinstance(source, _FunctionSource):
            source.n_batches = n_batches
        return np.concatenate(labels)


def batches_dataset(source, checker: BatchChecker):
    """A ``keras.utils.PyDataset`` of the checked batches of ``source``.

    An error raised while Keras reads a batch is kept in the dataset's
    ``error`` attribute, so that ``fit`` can raise it as it was (Keras's data
    pipeline may wrap it in an error of its own).
    """
    keras = import_keras()

    class CheckedBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.error = None

        def __len__(self):
            return len(source)

        def __getitem__(self, index):
            try:
                return checker(index, source.get(index))
            except Exception as exc:
                self.error = exc
                raise

        def on_epoch_end(self):
            source.on_epoch_end()

    return CheckedBatches()
