"""Docstring text shared by estimators of several subpackages, written once.

A docstring names a shared piece by a line holding only ``%(name)s``;
:func:`fill_doc` replaces that line by the piece (dedented), indented as the
line was. ``%(...)s`` cannot clash with the braces of ``.. math::``.
The pieces here are the parts of the scikit-learn API that read the same for
every estimator (the ``X`` of a prediction method, the standard ``predict*``
sections, the fitted feature attributes); a subpackage with pieces of its
own passes them as ``docs``.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

__all__ = ["DOCS", "fill_doc"]

_SAMPLES = """\
Parameters
----------
X : array-like of shape (n_samples, n_features)
    Samples.
"""

#: numpydoc text by name, unindented
DOCS = {
    "X_samples": _SAMPLES.rstrip(),
    "fit_X_y": """\
X : array-like of shape (n_samples, n_features)
    Training features.
y : array-like of shape (n_samples,)
    Class labels.""",
    "fitted_features": """\
n_features_in_ : int
    Number of features seen during fit.
feature_names_in_ : ndarray of shape (n_features_in_,)
    Names of features seen during fit, when X has string column names.""",
    "predict": _SAMPLES
    + """
Returns
-------
y_pred : ndarray of shape (n_samples,)
    Predicted class labels.""",
    "predict_proba": _SAMPLES
    + """
Returns
-------
proba : ndarray of shape (n_samples, n_classes)
    Columns in ``classes_`` order; rows sum to one.""",
    "predict_log_proba": _SAMPLES
    + """
Returns
-------
log_proba : ndarray of shape (n_samples, n_classes)
    Columns in ``classes_`` order (``-inf`` where a probability is 0).""",
}

_PLACEHOLDER = re.compile(r"^(?P<indent>[ ]*)%\((?P<name>\w+)\)s[ ]*$", re.MULTILINE)


def fill_doc(obj=None, *, docs: Mapping[str, str] | None = None):
    """Replace every ``%(name)s`` line of a docstring by the piece ``name``.

    Use it bare (``@fill_doc``) or with pieces of one's own
    (``@fill_doc(docs={...})``, which take precedence over :data:`DOCS`).
    On a method wrapped by another decorator, put it outermost.

    Parameters
    ----------
    obj : class or function, default=None
        The object whose docstring holds placeholders; ``None`` returns the
        decorator.
    docs : mapping of str to str, default=None
        Pieces added to :data:`DOCS`.

    Returns
    -------
    obj : class, function or callable
        ``obj`` with its docstring filled, or the decorator when ``obj`` is
        ``None``.

    Raises
    ------
    KeyError
        For a placeholder that names no piece.

    Examples
    --------
    >>> from skastro.utils._docstrings import fill_doc
    >>> @fill_doc
    ... def predict(X):
    ...     '''Class of every sample.
    ...
    ...     %(predict)s
    ...     '''
    >>> print(predict.__doc__.splitlines()[4])
        X : array-like of shape (n_samples, n_features)
    """
    pieces = DOCS if docs is None else {**DOCS, **docs}

    def piece(match: re.Match) -> str:
        name = match["name"]
        if name not in pieces:
            raise KeyError(
                f"no shared docstring piece {name!r}; known: {sorted(pieces)}"
            )
        return textwrap.indent(textwrap.dedent(pieces[name]), match["indent"])

    def fill(target):
        target.__doc__ = _PLACEHOLDER.sub(piece, target.__doc__)
        return target

    return fill if obj is None else fill(obj)
