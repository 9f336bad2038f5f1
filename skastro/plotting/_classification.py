"""Confusion matrices at every level of a class taxonomy."""

from __future__ import annotations

import numpy as np

from ._axes import pyplot


def _ancestors(children: dict) -> dict:
    """Node -> its path from the root's child down to itself."""
    parent = {c: p for p, kids in children.items() for c in kids}
    paths = {}
    for node in parent:
        path = [node]
        while path[-1] in parent and parent[path[-1]] in parent:
            path.append(parent[path[-1]])
        paths[node] = path[::-1]
    return paths


def level_labels(classifier, y) -> list[np.ndarray]:
    """The taxonomy node of every label of ``y``, at each level of the tree.

    A leaf shallower than a level is carried down as itself, as in
    ``HierarchicalClassifier.predict_proba_levels``.

    Parameters
    ----------
    classifier : fitted HierarchicalClassifier
        Any estimator with ``children_`` (node -> children) and ``levels_``
        (node names per depth).
    y : array-like of shape (n_samples,)
        Leaf labels (true or predicted).

    Returns
    -------
    labels : list of ndarray
        ``labels[d][i]`` is the node at depth ``d + 1`` above ``y[i]``.
    """
    for attr in ("children_", "levels_"):
        if not hasattr(classifier, attr):
            raise TypeError(
                f"{type(classifier).__name__} has no {attr}; expected a fitted "
                "HierarchicalClassifier (its taxonomy labels the levels)."
            )
    paths = _ancestors(classifier.children_)
    y = np.asarray(y)
    unknown = sorted({str(v) for v in y.tolist()} - {str(n) for n in paths})
    if unknown:
        raise ValueError(
            f"labels {unknown[:5]} are not nodes of the classifier's taxonomy; "
            f"expected leaves among {classifier.levels_[-1].tolist()}."
        )
    by_name = {str(node): path for node, path in paths.items()}
    out = []
    for depth in range(len(classifier.levels_)):
        mapping = {
            name: path[min(depth, len(path) - 1)] for name, path in by_name.items()
        }
        out.append(np.array([mapping[str(v)] for v in y.tolist()], dtype=object))
    return out


def plot_confusion_levels(
    classifier,
    y_true,
    y_pred,
    *,
    normalize: str | None = "true",
    axes=None,
):
    """Confusion matrices of a hierarchical classification, one per level.

    The leaves' labels are mapped up the classifier's taxonomy, so that the
    first panel shows how often the coarse groups (e.g. point sources vs
    extended ones) are confused, and the last one the classes themselves.

    Parameters
    ----------
    classifier : fitted HierarchicalClassifier
        Its ``children_`` and ``levels_`` give the taxonomy.
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted leaf labels (e.g. from ``cross_val_predict``).
    normalize : {"true", "pred", "all"} or None, default="true"
        As in :func:`sklearn.metrics.confusion_matrix`: ``"true"`` shows the
        recall of each node on the diagonal.
    axes : sequence of matplotlib Axes, default=None
        One per level; ``None`` makes a new figure with a row of panels.

    Returns
    -------
    displays : list of sklearn.metrics.ConfusionMatrixDisplay
        One per level; ``displays[d].confusion_matrix`` holds the numbers
        drawn and ``displays[d].display_labels`` the node names.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn.datasets import make_blobs
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skastro.ensemble import HierarchicalClassifier
    >>> from skastro.plotting import plot_confusion_levels
    >>> X, y = make_blobs(90, centers=[(0, 0), (3, 3), (3, -3)], random_state=0)
    >>> y = np.array(["STAR", "GALAXY", "QSO"])[y]
    >>> taxonomy = {"point": ["STAR", "QSO"], "extended": ["GALAXY"]}
    >>> clf = HierarchicalClassifier(taxonomy, LogisticRegression()).fit(X, y)
    >>> displays = plot_confusion_levels(clf, y, clf.predict(X))
    >>> [d.display_labels.tolist() for d in displays]
    [['point', 'extended'], ['STAR', 'QSO', 'GALAXY']]
    """
    from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

    true_levels = level_labels(classifier, y_true)
    pred_levels = level_labels(classifier, y_pred)
    n_levels = len(true_levels)
    if axes is None:
        _, axes = pyplot().subplots(
            1, n_levels, figsize=(4.5 * n_levels, 4), squeeze=False
        )
        axes = axes[0]
    if len(axes) != n_levels:
        raise ValueError(
            f"got {len(axes)} axes for a taxonomy of {n_levels} level(s); "
            "expected one per level."
        )
    displays = []
    for depth, (truth, pred, ax) in enumerate(
        zip(true_levels, pred_levels, axes, strict=True)
    ):
        labels = np.asarray(classifier.levels_[depth], dtype=object)
        with np.errstate(invalid="ignore", divide="ignore"):
            matrix = confusion_matrix(truth, pred, labels=labels, normalize=normalize)
        display = ConfusionMatrixDisplay(matrix, display_labels=labels)
        display.plot(ax=ax, colorbar=False, values_format=".2f" if normalize else "d")
        ax.set_title(f"level {depth + 1}")
        displays.append(display)
    return displays
