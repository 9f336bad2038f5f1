"""Input helpers shared by the skastro estimators.

Everything that turns what an astronomer hands over (a numpy array, a pandas
DataFrame, an astropy Table) into the float array an estimator works on lives
here, so that every estimator accepts the same inputs and words its errors
the same way:

- :func:`validate_input` is the one entry every estimator calls on ``X`` (and
  ``y``): astropy Tables become DataFrames, a cell that is not a number or
  not finite is named by column, row and value, and scikit-learn's
  ``validate_data`` does the rest;
- :func:`check_priors`, :func:`check_n_classes` and :func:`check_layer_sizes`
  are the checks several estimators share;
- :func:`as_float` turns the columns an estimator uses into floats after
  ``validate_input(..., dtype=None)`` (a catalogue with text columns), naming
  the column, row and value of a bad cell, and :func:`check_no_inf` rejects
  infinite values, naming column and row.

Tables are turned into DataFrames by :mod:`skastro.utils._tables`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils.validation import check_array, validate_data

from skastro.utils._tables import column_labels, table_to_frame

__all__ = [
    "as_float",
    "check_layer_sizes",
    "check_n_classes",
    "check_no_inf",
    "check_priors",
    "validate_input",
]


def validate_input(
    estimator,
    X,
    y="no_validation",
    *,
    reset: bool,
    dtype="float64",
    ensure_all_finite: bool | str = True,
    check_features: bool = True,
    **check_params,
):
    """Validate ``X`` (and ``y``): the one entry every skastro estimator calls.

    An astropy Table becomes a DataFrame (its column names become
    ``feature_names_in_``); a cell that cannot be a number is named by
    column, row (and index label, for a DataFrame with a non-default index)
    and value; then :func:`sklearn.utils.validation.validate_data` checks
    shapes, feature names and ``y``; last, a NaN or infinite value that
    ``ensure_all_finite`` forbids is named by column and row.

    Parameters
    ----------
    estimator : estimator instance
        The estimator being fitted or used (its class name starts messages).
    X : array-like, pandas DataFrame or astropy Table
        The input.
    y : array-like or "no_validation", default="no_validation"
        The target, validated with ``X`` when given.
    reset : bool
        Whether to set ``n_features_in_`` and ``feature_names_in_`` (in fit).
    dtype : str, type, list of type or None, default="float64"
        As in :func:`sklearn.utils.check_array`; ``None`` keeps the dtype
        (a catalogue's text columns) and leaves the cells to
        :func:`as_float`.
    ensure_all_finite : bool or "allow-nan", default=True
        Whether NaN and infinite values are refused (``"allow-nan"``: only
        infinite ones).
    check_features : bool, default=True
        Whether ``X`` is checked against the fitted ``n_features_in_`` and
        ``feature_names_in_`` (scikit-learn's ``validate_data``). ``False``
        for an input that is not the fitted input, such as the output of
        ``transform`` handed to ``inverse_transform``; ``y`` is then not
        accepted.
    **check_params : dict
        Passed on to ``validate_data`` (``allow_nd``, ``accept_sparse``,
        ``ensure_min_samples``, ``y_numeric``, ``multi_output``, ...).

    Returns
    -------
    X : ndarray or sparse matrix
        The validated input; ``(X, y)`` when ``y`` is given.

    Raises
    ------
    ValueError
        For a non-numeric string cell or a refused NaN or infinite value,
        naming the column, row and value; and whatever ``validate_data``
        raises (wrong shape, wrong number of features, ...).
    TypeError
        For a cell that is an object, not a number (a dict, a list).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from skastro.utils._validation import validate_input
    >>> est = FunctionTransformer()
    >>> frame = pd.DataFrame({"u": [19.0, 18.5], "g": [18.1, "bright"]})
    >>> validate_input(est, frame, reset=True)
    Traceback (most recent call last):
    ...
    ValueError: FunctionTransformer got non-numeric value 'bright' in column 'g' \
at row 1; expected numbers.
    >>> validate_input(est, frame.assign(g=[18.1, float("nan")]), reset=True)
    Traceback (most recent call last):
    ...
    ValueError: FunctionTransformer got NaN in column 'g' at row 1; expected \
finite numbers.
    """
    X = table_to_frame(X)
    if check_features:
        check = validate_data
    elif isinstance(y, str) and y == "no_validation":
        check = _check_array_only
    else:
        raise TypeError("validate_input: check_features=False takes no y.")
    if dtype is None or sparse.issparse(X):
        return check(
            estimator,
            X,
            y,
            reset=reset,
            dtype=dtype,
            ensure_all_finite=ensure_all_finite,
            **check_params,
        )
    owner = type(estimator).__name__
    index = X.index if isinstance(X, pd.DataFrame) else None
    names = (
        [str(c) for c in X.columns]
        if isinstance(X, pd.DataFrame)
        else getattr(estimator, "feature_names_in_", None)
        if check_features
        else None
    )
    _check_numeric_cells(owner, X, index)
    out = check(
        estimator,
        X,
        y,
        reset=reset,
        dtype=dtype,
        ensure_all_finite=False,
        **check_params,
    )
    Xv = out[0] if isinstance(out, tuple) else out
    if ensure_all_finite and not sparse.issparse(Xv):
        _check_finite_cells(owner, Xv, names, index, ensure_all_finite)
    return out


def _check_array_only(estimator, X, y, *, reset, **check_params):
    """``validate_data`` without the fitted-feature checks (see check_features)."""
    return check_array(X, **check_params)


def _row_label(row: int, index) -> str:
    """``row 3``, with the index label when a DataFrame has a non-default one."""
    if index is None or isinstance(index, pd.RangeIndex):
        return f"row {row}"
    return f"row {row} (index {index[row]!r})"


def _raise_bad_cell(owner, value, label, row, index, cell_exc):
    where = (
        f"{owner} got non-numeric value {value!r} in column {label!r} at "
        f"{_row_label(row, index)}; expected numbers"
    )
    if isinstance(cell_exc, TypeError):
        raise TypeError(f"{where} ({cell_exc}).")
    raise ValueError(f"{where}.")


def _check_numeric_cells(owner: str, X, index) -> None:
    """Name the first cell of a DataFrame or object array that is no number."""
    if isinstance(X, pd.DataFrame):
        labels = [str(c) for c in X.columns]
        columns = [
            (j, X.iloc[:, j])
            for j in range(X.shape[1])
            if not pd.api.types.is_numeric_dtype(X.dtypes.iloc[j])
        ]
        for j, column in columns:
            coerced = pd.to_numeric(column, errors="coerce")
            bad = np.flatnonzero(coerced.isna().to_numpy() & column.notna().to_numpy())
            values = column.to_numpy(dtype=object)
            for row in bad:
                try:
                    float(values[row])
                except (TypeError, ValueError) as exc:
                    _raise_bad_cell(owner, values[row], labels[j], row, index, exc)
        return
    if isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 2:
        labels = column_labels(None, X.shape[1])
        for j in range(X.shape[1]):
            for row, value in enumerate(X[:, j]):
                try:
                    float(value)
                except (TypeError, ValueError) as exc:
                    _raise_bad_cell(owner, value, labels[j], row, None, exc)


def _check_finite_cells(owner, X, names, index, ensure_all_finite) -> None:
    """Name the first NaN (unless allowed) or infinite value of ``X``."""
    if X.dtype.kind not in "fc":
        return
    bad = np.isinf(X) if ensure_all_finite == "allow-nan" else ~np.isfinite(X)
    if not bad.any():
        return
    flat = bad.reshape(len(X), -1)
    row, j = np.argwhere(flat)[0]
    value = X.reshape(len(X), -1)[row, j]
    if X.ndim == 2:
        where = f"column {column_labels(names, X.shape[1])[j]!r}"
    else:
        where = f"feature {tuple(int(i) for i in np.unravel_index(j, X.shape[1:]))}"
    what = "NaN" if np.isnan(value) else f"an infinite value ({value})"
    expected = (
        "finite numbers (NaN marks a missing value)"
        if ensure_all_finite == "allow-nan"
        else "finite numbers"
    )
    raise ValueError(
        f"{owner} got {what} in {where} at {_row_label(int(row), index)}; "
        f"expected {expected}."
    )


def check_priors(priors, classes, *, owner: str) -> np.ndarray:
    """Check class priors: one per class, non-negative, finite, summing to 1.

    A zero prior is allowed (scikit-learn's ``GaussianNB`` rule): that class
    is never predicted.

    Parameters
    ----------
    priors : array-like of shape (n_classes,)
        The priors given by the user.
    classes : ndarray of shape (n_classes,)
        The fitted ``classes_``, which label the messages.
    owner : str
        The estimator's name, for the messages.

    Returns
    -------
    priors : ndarray of shape (n_classes,)
        The priors as floats.

    Raises
    ------
    ValueError
        Naming the shape, the index, class and value of a bad prior, or the
        sum.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.utils._validation import check_priors
    >>> check_priors([0.25, 0.75], np.array(["QSO", "STAR"]), owner="Demo")
    array([0.25, 0.75])
    >>> check_priors([1.5, -0.5], np.array(["QSO", "STAR"]), owner="Demo")
    Traceback (most recent call last):
    ...
    ValueError: Demo: priors[1] = -0.5 (class 'STAR'); expected non-negative \
finite values.
    """
    classes = np.asarray(classes)
    n_classes = len(classes)
    try:
        out = np.asarray(priors, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{owner}: priors={priors!r} are not numbers; expected one "
            f"non-negative number per class of {classes.tolist()!r}."
        ) from exc
    if out.shape != (n_classes,):
        raise ValueError(
            f"{owner}: priors has shape {out.shape}; expected ({n_classes},), one "
            f"per class of {classes.tolist()!r}."
        )
    bad = np.flatnonzero(~np.isfinite(out) | (out < 0))
    if bad.size:
        k = int(bad[0])
        raise ValueError(
            f"{owner}: priors[{k}] = {out[k].item()!r} (class "
            f"{classes[k].item()!r}); expected non-negative finite values."
        )
    if not np.isclose(out.sum(), 1.0):
        raise ValueError(
            f"{owner}: priors sum to {out.sum().item()!r}; expected them to sum to 1."
        )
    return out


def check_n_classes(classes, *, owner: str | None = None, minimum: int = 2) -> None:
    """Raise if ``classes`` holds fewer than ``minimum`` classes.

    ``owner``, the estimator's name, starts the message when given.

    Examples
    --------
    >>> from skastro.utils._validation import check_n_classes
    >>> check_n_classes(["STAR"])
    Traceback (most recent call last):
    ...
    ValueError: y holds one class only, ['STAR']; a classifier needs at least \
two classes.
    """
    classes = list(np.asarray(classes).tolist())
    if len(classes) >= minimum:
        return
    start = "" if owner is None else f"{owner}: "
    if len(classes) == 1 and minimum == 2:
        raise ValueError(
            f"{start}y holds one class only, {classes!r}; a classifier needs at "
            "least two classes."
        )
    raise ValueError(
        f"{start}y holds {len(classes)} class(es), {classes!r}; expected at least "
        f"{minimum}."
    )


def check_layer_sizes(
    sizes, *, param: str, owner: str, empty: str | None = None
) -> tuple[int, ...]:
    """Check a sequence of layer sizes (units or filters): positive integers.

    Parameters
    ----------
    sizes : sequence of int
        The layer sizes given by the user.
    param : str
        The parameter's name, for the message.
    owner : str
        The estimator's name, for the message.
    empty : str or None, default=None
        What an empty sequence lacks (e.g. ``"the size of the latent code"``);
        ``None`` allows an empty sequence.

    Returns
    -------
    sizes : tuple of int

    Examples
    --------
    >>> from skastro.utils._validation import check_layer_sizes
    >>> check_layer_sizes((8, 0), param="hidden_layer_sizes", owner="Demo")
    Traceback (most recent call last):
    ...
    ValueError: hidden_layer_sizes=(8, 0) of Demo has the entry 0; expected \
positive integers.
    """
    for units in sizes:
        if not isinstance(units, numbers.Integral) or isinstance(units, bool):
            bad = True
        else:
            bad = units < 1
        if bad:
            raise ValueError(
                f"{param}={sizes!r} of {owner} has the entry {units!r}; expected "
                "positive integers."
            )
    if empty is not None and len(sizes) < 1:
        raise ValueError(f"{param}=() of {owner} is empty; expected at least {empty}.")
    return tuple(int(units) for units in sizes)


def as_float(estimator, X, positions: Sequence[int], *, allow_inf: bool = False):
    """Return columns ``positions`` of ``X`` as float64, naming any bad cell.

    Parameters
    ----------
    estimator : estimator instance
        The estimator (its ``feature_names_in_``, if any, label the columns).
    X : ndarray of shape (n_samples, n_features)
        Output of :func:`validate_input` with ``dtype=None``.
    positions : sequence of int
        The columns wanted.
    allow_inf : bool, default=False
        Whether infinite values are allowed (else see :func:`check_no_inf`).

    Returns
    -------
    block : ndarray of shape (n_samples, len(positions))
        The columns as float64 (NaN stays NaN).

    Raises
    ------
    ValueError
        If a cell is a string that is not a number, or infinite where not
        allowed; names the column, row and value.
    TypeError
        If a cell is an object that cannot be a number (a dict, a list);
        Python's own wording follows the location.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from skastro.utils._validation import as_float
    >>> X = np.array([[1, {"a": 1}]], dtype=object)
    >>> as_float(FunctionTransformer(), X, [1])
    Traceback (most recent call last):
    ...
    TypeError: FunctionTransformer got non-numeric value {'a': 1} in column 'x1' \
at row 0; expected numbers (float() argument must be a string or a real number, \
not 'dict').
    """
    positions = list(positions)
    labels = column_labels(getattr(estimator, "feature_names_in_", None), X.shape[1])
    owner = type(estimator).__name__
    block = X[:, positions]
    try:
        out = block.astype(np.float64)
    except (TypeError, ValueError) as exc:
        for k, j in enumerate(positions):
            for row, value in enumerate(block[:, k]):
                try:
                    float(value)
                except (TypeError, ValueError) as cell_exc:
                    where = (
                        f"{owner} got non-numeric value {value!r} in column "
                        f"{labels[j]!r} at row {row}; expected numbers"
                    )
                    if isinstance(cell_exc, TypeError):
                        raise TypeError(f"{where} ({cell_exc}).") from exc
                    raise ValueError(f"{where}.") from exc
        raise  # numpy failed on cells that float() accepts: keep its message
    if not allow_inf:
        check_no_inf(
            out, range(len(positions)), [labels[j] for j in positions], owner=owner
        )
    return out


def check_no_inf(
    X: np.ndarray, positions: Sequence[int], labels: Sequence[str], *, owner: str
) -> None:
    """Raise if a column of ``X`` at ``positions`` holds an infinite value.

    NaN is allowed (it marks a missing value); the message names the first
    infinite value's column and row.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.utils._validation import check_no_inf
    >>> check_no_inf(np.array([[1.0, np.inf]]), [1], ["u", "g"], owner="Demo")
    Traceback (most recent call last):
    ...
    ValueError: Demo got an infinite value (inf) in column 'g' at row 0; \
expected finite numbers (NaN marks a missing value).
    """
    positions = list(positions)
    if not positions:
        return
    block = X[:, positions]
    bad = np.isinf(block)
    if bad.any():
        row, k = np.argwhere(bad)[0]
        raise ValueError(
            f"{owner} got an infinite value ({block[row, k]}) in column "
            f"{labels[positions[k]]!r} at row {row}; expected finite numbers "
            "(NaN marks a missing value)."
        )
