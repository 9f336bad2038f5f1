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

import inspect
import re
import textwrap
from collections.abc import Mapping
from string import Template

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


def _default_text(value) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def fill_doc(
    obj=None,
    *,
    docs: Mapping[str, str] | None = None,
    groups: Mapping[str, tuple] | None = None,
    fields: Mapping[str, str] | None = None,
):
    """Replace every ``%(name)s`` line of a docstring by the piece ``name``.

    Use it bare (``@fill_doc``) or with pieces of one's own
    (``@fill_doc(docs={...})``, which take precedence over :data:`DOCS`).
    On a method wrapped by another decorator, put it outermost. In a piece,
    ``$default`` is the default of the parameter of that name in the
    signature of the decorated function (a class: its ``__init__``), so a
    default is written once, in the signature; other ``$name`` fields come
    from ``fields``.

    Parameters
    ----------
    obj : class or function, default=None
        The object whose docstring holds placeholders; ``None`` returns the
        decorator.
    docs : mapping of str to str, default=None
        Pieces added to :data:`DOCS`.
    groups : mapping of str to tuple of str, default=None
        Names that stand for several pieces, joined in order (e.g. the
        training parameters shared by several estimators).
    fields : mapping of str to str, default=None
        Values of the ``$name`` fields other than ``$default``.

    Returns
    -------
    obj : class, function or callable
        ``obj`` with its docstring filled, or the decorator when ``obj`` is
        ``None``.

    Raises
    ------
    KeyError
        For a placeholder that names no piece, or a ``$name`` field with no
        value.

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
    >>> @fill_doc(docs={"epochs": "epochs : int, default=$default"})
    ... def fit(X, epochs=5):
    ...     '''Train.
    ...
    ...     %(epochs)s
    ...     '''
    >>> print(fit.__doc__.splitlines()[2].strip())
    epochs : int, default=5
    """
    pieces = DOCS if docs is None else {**DOCS, **docs}
    groups = groups or {}

    def fill(target):
        function = target.__init__ if inspect.isclass(target) else target
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            parameters = {}

        def render(name: str) -> str:
            if name not in pieces:
                raise KeyError(
                    f"no shared docstring piece {name!r}; known: {sorted(pieces)}"
                )
            values = dict(fields or {})
            if name in parameters:
                values["default"] = _default_text(parameters[name].default)
            return Template(textwrap.dedent(pieces[name])).substitute(values)

        def piece(match: re.Match) -> str:
            names = groups.get(match["name"], (match["name"],))
            text = "\n".join(render(name) for name in names)
            return textwrap.indent(text, match["indent"])

        target.__doc__ = _PLACEHOLDER.sub(piece, target.__doc__)
        return target

    return fill if obj is None else fill(obj)
