"""Polar coordinates (r, theta) of (x, y) column pairs about a centre."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils._param_validation import StrOptions

from skastro.preprocessing._base import InvertibleColumnTransformer, remainder_columns
from skastro.preprocessing._docstring import fill_doc
from skastro.utils._units import split_units, to_unit
from skastro.utils._validation import as_float


@fill_doc
class PolarTransformer(InvertibleColumnTransformer):
    """Turn (x, y) column pairs into polar coordinates (r, theta) about a centre.

    For each pair, :math:`r = \\sqrt{(x - x_c)^2 + (y - y_c)^2}` and
    :math:`\\theta = \\operatorname{atan2}(y - y_c, x - x_c)`, as an angle in
    radians or degrees, or as :math:`(\\sin\\theta, \\cos\\theta)`, which has
    no jump at :math:`\\pm\\pi` for a model to learn around. The output is,
    per pair, ``r, theta`` (or ``r, sin theta, cos theta``), then the
    passed-through columns; :meth:`inverse_transform` maps it back to (x, y).

    Columns with units (a QTable, a Table column's ``unit``, a Quantity) are
    read in the unit of the pair: that of x, else of y, else of ``center``;
    the other column and the centre are converted to it (a unit that does
    not convert raises a ValueError naming the column), and r and the
    output of :meth:`inverse_transform` are numbers in it. Theta has no
    unit beyond ``angle``.

    Parameters
    ----------
    center : array-like of shape (2,) or (n_pairs, 2), default=(0, 0)
        The origin :math:`(x_c, y_c)`: one for all pairs, or one per pair;
        plain numbers in the unit of the pair, or a Quantity.
    angle : {"radians", "degrees", "sincos"}, default="radians"
        How theta is given: in (-pi, pi], in (-180, 180], or as the two
        columns sin theta, cos theta (``(0, 1)`` at r = 0).
    pairs : None, "consecutive" or list of (x, y), default=None
        The (x, y) columns. ``None`` takes the first two columns;
        ``"consecutive"`` takes columns (0, 1), (2, 3), ... and needs an even
        number of columns; a list gives each pair by column names or indices.
    remainder : {"passthrough", "drop"}, default="passthrough"
        What happens to the columns in no pair: appended unchanged after the
        polar columns, or dropped.

    Attributes
    ----------
    %(fitted_columns)s
    pairs_ : list of (int, int)
        Positions of each (x, y) pair in ``X``.
    center_ : ndarray of shape (n_pairs, 2)
        The centre of each pair.
    %(remainder_)s

    See Also
    --------
    SkyCoordinateTransformer : Sky coordinates in another frame.
    sklearn.preprocessing.SplineTransformer : Another non-linear expansion.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.preprocessing import PolarTransformer
    >>> X = np.array([[1.0, 0.0, 7.0], [0.0, 2.0, 8.0], [-3.0, 0.0, 9.0]])
    >>> polar = PolarTransformer(angle="degrees").fit(X)
    >>> polar.transform(X)
    array([[  1.,   0.,   7.],
           [  2.,  90.,   8.],
           [  3., 180.,   9.]])
    >>> polar.get_feature_names_out()
    array(['r_x0_x1', 'theta_x0_x1', 'x2'], dtype=object)
    >>> polar.inverse_transform(polar.transform(X)).round(12)
    array([[ 1.,  0.,  7.],
           [ 0.,  2.,  8.],
           [-3.,  0.,  9.]])
    """

    _parameter_constraints: dict = {
        "center": ["array-like"],
        "angle": [StrOptions({"radians", "degrees", "sincos"})],
        "pairs": [StrOptions({"consecutive"}), "array-like", None],
        "remainder": [StrOptions({"passthrough", "drop"})],
    }

    def __init__(
        self,
        center: Sequence[float] = (0, 0),
        angle: str = "radians",
        pairs: str | Sequence[tuple[str | int, str | int]] | None = None,
        remainder: str = "passthrough",
    ):
        self.center = center
        self.angle = angle
        self.pairs = pairs
        self.remainder = remainder

    def _fit(self, X, units):
        owner = type(self).__name__
        self._require_columns("(x, y) column pairs")
        pairs = self._pairs()
        used = [j for pair in pairs for j in pair]
        if len(set(used)) != len(used):
            raise ValueError(
                f"{owner}: pairs {self.pairs!r} use a column twice; expected "
                "each column in at most one pair."
            )
        center = np.asarray(self.center, dtype=np.float64)
        if center.shape == (2,):
            center = np.tile(center, (len(pairs), 1))
        if center.shape != (len(pairs), 2) or not np.all(np.isfinite(center)):
            raise ValueError(
                f"{owner}: center {self.center!r} has shape "
                f"{np.shape(self.center)}; expected finite numbers of shape (2,) "
                f"or ({len(pairs)}, 2), one (x, y) centre per pair."
            )
        self.pairs_ = pairs
        self.center_ = center
        self.remainder_ = remainder_columns(X.shape[1], used, self.remainder)
        # reject non-numeric and infinite values and wrong units already in fit
        self._xy(X, units)
        self._remainder_block(X)

    def _pairs(self) -> list[tuple[int, int]]:
        """Positions of each (x, y) pair in ``X``."""
        n_features = self.n_features_in_
        if self.pairs is None:
            return [(0, 1)]
        if isinstance(self.pairs, str):
            if n_features % 2:
                raise ValueError(
                    f"{type(self).__name__}: pairs='consecutive' takes columns "
                    f"(0, 1), (2, 3), ..., but X has {n_features} feature(s), an "
                    "odd number; expected an even number of columns, or pairs "
                    "given as a list of (x, y) columns."
                )
            return [(j, j + 1) for j in range(0, n_features, 2)]
        pairs = []
        for pair in self.pairs:
            self._check_pair(
                pair,
                "pair",
                "an (x, y) pair of columns; expected e.g. ('x', 'y') or (0, 1)",
            )
            pairs.append(tuple(self._resolve(pair, "pairs")))
        if not pairs:
            raise ValueError(
                f"{type(self).__name__}: pairs is empty; expected at least one."
            )
        return pairs

    def _xy(self, X, units):
        """The (x, y) columns of every pair and the centres, in the pairs' units.

        A pair's unit is that of x, else of y, else of ``center``; the
        other column and the centre are converted to it.
        """
        used = [j for pair in self.pairs_ for j in pair]
        xy = as_float(self, X, used)
        center = self.center_.copy()
        center_unit = (split_units(self.center)[1] or [None])[0]
        if units is None and center_unit is None:
            return xy, center
        units = units or [None] * X.shape[1]
        labels = self._labels()
        owner = type(self).__name__
        for k, (jx, jy) in enumerate(self.pairs_):
            target = units[jx] or units[jy] or center_unit
            pair = slice(2 * k, 2 * k + 2)
            xy[:, pair] = to_unit(
                xy[:, pair],
                [units[jx], units[jy]],
                [labels[jx], labels[jy]],
                target,
                owner=owner,
            )
            center[k] = to_unit(
                center[k][None, :],
                [center_unit] * 2,
                ["center"] * 2,
                target,
                owner=owner,
            )[0]
        return xy, center

    def _transform(self, X, units) -> np.ndarray:
        xy, center = self._xy(X, units)
        blocks = []
        for k, (cx, cy) in enumerate(center):
            dx = xy[:, 2 * k] - cx
            dy = xy[:, 2 * k + 1] - cy
            r = np.hypot(dx, dy)
            if self.angle == "sincos":
                at_center = r == 0
                with np.errstate(invalid="ignore", divide="ignore"):
                    sin = np.where(at_center, 0.0, dy / r)
                    cos = np.where(at_center, 1.0, dx / r)
                blocks += [r, sin, cos]
            else:
                theta = np.arctan2(dy, dx)
                if self.angle == "degrees":
                    theta = np.degrees(theta)
                blocks += [r, theta]
        blocks.append(self._remainder_block(X))
        return np.column_stack(blocks)

    def _inverse_transform(self, Z) -> np.ndarray:
        width = 3 if self.angle == "sincos" else 2  # r, theta or r, sin, cos
        out = self._inverse_frame(Z, start=width * len(self.pairs_))
        for k, ((jx, jy), (cx, cy)) in enumerate(zip(self.pairs_, self.center_)):
            r = Z[:, width * k]
            if self.angle == "sincos":
                sin, cos = Z[:, width * k + 1], Z[:, width * k + 2]
            else:
                theta = Z[:, width * k + 1]
                if self.angle == "degrees":
                    theta = np.radians(theta)
                sin, cos = np.sin(theta), np.cos(theta)
            out[:, jx] = cx + r * cos
            out[:, jy] = cy + r * sin
        return out

    def _names_out(self, names) -> list[str]:
        out = []
        for jx, jy in self.pairs_:
            suffix = f"{names[jx]}_{names[jy]}"
            out.append(f"r_{suffix}")
            if self.angle == "sincos":
                out += [f"sin_theta_{suffix}", f"cos_theta_{suffix}"]
            else:
                out.append(f"theta_{suffix}")
        return out + [names[j] for j in self.remainder_]
