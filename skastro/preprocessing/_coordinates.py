"""Coordinates: polar coordinates of (x, y) pairs, sky coordinates in other frames."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_array,
    check_is_fitted,
)

from skastro.utils._tables import column_labels, resolve_columns, table_to_frame
from skastro.utils._validation import as_float, validate_input


def _remainder(n_features: int, used: Sequence[int], remainder: str) -> list[int]:
    if remainder == "drop":
        return []
    taken = set(used)
    return [j for j in range(n_features) if j not in taken]


def _check_inverse_input(estimator, X, n_columns: int) -> np.ndarray:
    """Validate the input of ``inverse_transform``: the transform's output."""
    X = check_array(table_to_frame(X), dtype=np.float64, ensure_all_finite=False)
    if X.shape[1] != n_columns:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__}."
            f"inverse_transform is expecting {n_columns} features as input "
            "(the columns of transform's output)."
        )
    return X


class PolarTransformer(TransformerMixin, BaseEstimator):
    """Turn (x, y) column pairs into polar coordinates (r, theta) about a centre.

    For each pair, :math:`r = \\sqrt{(x - x_c)^2 + (y - y_c)^2}` and
    :math:`\\theta = \\operatorname{atan2}(y - y_c, x - x_c)`, as an angle in
    radians or degrees, or as :math:`(\\sin\\theta, \\cos\\theta)`, which has
    no jump at :math:`\\pm\\pi` for a model to learn around.

    Parameters
    ----------
    center : array-like of shape (2,) or (n_pairs, 2), default=(0, 0)
        The origin :math:`(x_c, y_c)`: one for all pairs, or one per pair.
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
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen in :meth:`fit`, when ``X`` had string names.
    pairs_ : list of (int, int)
        Positions of each (x, y) pair in ``X``.
    center_ : ndarray of shape (n_pairs, 2)
        The centre of each pair.
    remainder_ : list of int
        Positions of the columns passed through.

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

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> PolarTransformer:
        """Resolve the (x, y) pairs and their centres.

        Parameters
        ----------
        X : array-like, DataFrame or astropy Table of shape (n_samples, n_features)
            The input.
        y : None
            Ignored.

        Returns
        -------
        self : PolarTransformer
            The fitted transformer.
        """
        X = validate_input(self, X, reset=True, dtype=None, ensure_all_finite=False)
        owner = type(self).__name__
        n_features = X.shape[1]
        if n_features < 2:
            raise ValueError(
                f"{owner} needs (x, y) column pairs; X has {n_features} "
                "feature(s), expected at least 2."
            )
        names = getattr(self, "feature_names_in_", None)
        if self.pairs is None:
            pairs = [(0, 1)]
        elif isinstance(self.pairs, str):
            if n_features % 2:
                raise ValueError(
                    f"{owner}: pairs='consecutive' takes columns (0, 1), (2, 3), "
                    f"..., but X has {n_features} feature(s), an odd number; "
                    "expected an even number of columns, or pairs given as a "
                    "list of (x, y) columns."
                )
            pairs = [(j, j + 1) for j in range(0, n_features, 2)]
        else:
            pairs = []
            for pair in self.pairs:
                if isinstance(pair, str) or len(pair) != 2:
                    raise ValueError(
                        f"{owner}: pair {pair!r} in pairs is not an (x, y) pair "
                        "of columns; expected e.g. ('x', 'y') or (0, 1)."
                    )
                pairs.append(
                    tuple(
                        resolve_columns(
                            pair, names, n_features, param="pairs", owner=owner
                        )
                    )
                )
            if not pairs:
                raise ValueError(f"{owner}: pairs is empty; expected at least one.")
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
        self.remainder_ = _remainder(n_features, used, self.remainder)
        # reject non-numeric and infinite values already in fit
        as_float(self, X, used)
        as_float(self, X, self.remainder_, allow_inf=True)
        return self

    def transform(self, X) -> np.ndarray:
        """Compute r and theta of every pair.

        Parameters
        ----------
        X : array-like, DataFrame or astropy Table of shape (n_samples, n_features)
            The input, with the columns seen in :meth:`fit`.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            Per pair ``r, theta`` (or ``r, sin theta, cos theta``), then the
            passed-through columns.
        """
        check_is_fitted(self)
        X = validate_input(self, X, reset=False, dtype=None, ensure_all_finite=False)
        used = [j for pair in self.pairs_ for j in pair]
        xy = as_float(self, X, used)
        blocks = []
        for k, (cx, cy) in enumerate(self.center_):
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
        blocks.append(as_float(self, X, self.remainder_, allow_inf=True))
        return np.column_stack(blocks)

    def inverse_transform(self, X) -> np.ndarray:
        """Map (r, theta) back to (x, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_out)
            Output of :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_)
            The input of :meth:`transform`; dropped columns
            (``remainder="drop"``) are NaN.
        """
        check_is_fitted(self)
        width = 3 if self.angle == "sincos" else 2
        n_out = width * len(self.pairs_) + len(self.remainder_)
        Z = _check_inverse_input(self, X, n_out)
        out = np.full((Z.shape[0], self.n_features_in_), np.nan)
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
        start = width * len(self.pairs_)
        out[:, self.remainder_] = Z[:, start:]
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Output names: ``r_<x>_<y>``, ``theta_<x>_<y>`` (or sin/cos), the rest.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_`` (or ``x{i}``).

        Returns
        -------
        feature_names_out : ndarray of str
            The output column names.
        """
        check_is_fitted(self)
        names = [str(n) for n in _check_feature_names_in(self, input_features)]
        out = []
        for jx, jy in self.pairs_:
            suffix = f"{names[jx]}_{names[jy]}"
            out.append(f"r_{suffix}")
            if self.angle == "sincos":
                out += [f"sin_theta_{suffix}", f"cos_theta_{suffix}"]
            else:
                out.append(f"theta_{suffix}")
        out += [names[j] for j in self.remainder_]
        return np.asarray(out, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


# frame parameter -> (astropy frame name, longitude label, latitude label)
_FRAMES = {
    "galactic": ("galactic", "l", "b"),
    "ecliptic": ("barycentricmeanecliptic", "elon", "elat"),
    "icrs": ("icrs", "ra", "dec"),
}


class SkyCoordinateTransformer(TransformerMixin, BaseEstimator):
    """Turn (ra, dec) in degrees into another frame's coordinates, via astropy.

    The whole column pair goes through
    ``SkyCoord(ra, dec, unit="deg", frame="icrs").transform_to(frame)`` in one
    vectorised call. The output is the frame's longitude and latitude in
    degrees, or a form without the wrap-around at 0/360 deg that a model
    would otherwise have to learn: the 3-D unit vector
    :math:`(\\cos b \\cos l, \\cos b \\sin l, \\sin b)`, or the sines and
    cosines of longitude and latitude.

    Parameters
    ----------
    frame : {"galactic", "ecliptic", "icrs"}, default="galactic"
        The target frame. ``"ecliptic"`` is astropy's
        ``BarycentricMeanEcliptic`` (mean ecliptic and equinox of J2000).
    output : {"angles", "unit_vector", "sincos"}, default="angles"
        ``"angles"``: longitude in [0, 360) and latitude in [-90, 90], in
        degrees; ``"unit_vector"``: x, y, z on the unit sphere;
        ``"sincos"``: sin and cos of longitude, then of latitude.
    columns : (ra, dec), default=None
        The right ascension and declination columns (ICRS, degrees), by name
        or index. ``None`` takes the first two columns.
    remainder : {"passthrough", "drop"}, default="passthrough"
        What happens to the other columns: appended unchanged, or dropped.
    invalid : {"raise", "nan"}, default="raise"
        What a declination outside [-90, 90] gets: a ValueError naming its
        row and value, or (``"nan"``, for catalogues that mark missing
        coordinates with sentinels such as 999) NaN coordinates for that row,
        with a warning that counts them.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen in :meth:`fit`, when ``X`` had string names.
    columns_ : tuple of (int, int)
        Positions of ra and dec in ``X``.
    remainder_ : list of int
        Positions of the columns passed through.

    See Also
    --------
    PolarTransformer : Polar coordinates of (x, y) pairs.
    astropy.coordinates.SkyCoord : The transformation underneath.

    References
    ----------
    .. [1] Astropy Collaboration, "The Astropy Project: Sustaining and Growing
       a Community-oriented Open-source Project and the Latest Major Release
       (v5.0) of the Core Package", ApJ 935, 167 (2022).

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.preprocessing import SkyCoordinateTransformer
    >>> radec = np.array([[0.0, 0.0], [0.0, 90.0]])  # ICRS origin, north pole
    >>> SkyCoordinateTransformer().fit_transform(radec).round(3)
    array([[ 96.337, -60.189],
           [122.932,  27.128]])
    >>> to_xyz = SkyCoordinateTransformer(output="unit_vector").fit(radec)
    >>> to_xyz.transform(radec).round(3)
    array([[-0.055,  0.494, -0.868],
           [-0.484,  0.747,  0.456]])
    >>> to_xyz.get_feature_names_out()
    array(['galactic_x', 'galactic_y', 'galactic_z'], dtype=object)
    """

    _parameter_constraints: dict = {
        "frame": [StrOptions(set(_FRAMES))],
        "output": [StrOptions({"angles", "unit_vector", "sincos"})],
        "columns": ["array-like", None],
        "remainder": [StrOptions({"passthrough", "drop"})],
        "invalid": [StrOptions({"raise", "nan"})],
    }

    def __init__(
        self,
        frame: str = "galactic",
        output: str = "angles",
        columns: tuple[str | int, str | int] | None = None,
        remainder: str = "passthrough",
        invalid: str = "raise",
    ):
        self.frame = frame
        self.output = output
        self.columns = columns
        self.remainder = remainder
        self.invalid = invalid

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> SkyCoordinateTransformer:
        """Resolve the ra and dec columns and check their values.

        Parameters
        ----------
        X : array-like, DataFrame or astropy Table of shape (n_samples, n_features)
            The input; ra and dec in degrees (ICRS).
        y : None
            Ignored.

        Returns
        -------
        self : SkyCoordinateTransformer
            The fitted transformer.
        """
        X = validate_input(self, X, reset=True, dtype=None, ensure_all_finite=False)
        owner = type(self).__name__
        n_features = X.shape[1]
        if n_features < 2:
            raise ValueError(
                f"{owner} needs ra and dec columns; X has {n_features} "
                "feature(s), expected at least 2."
            )
        if self.columns is None:
            columns = (0, 1)
        else:
            if isinstance(self.columns, str) or len(self.columns) != 2:
                raise ValueError(
                    f"{owner}: columns {self.columns!r} is not an (ra, dec) "
                    "pair; expected e.g. ('ra', 'dec') or (0, 1)."
                )
            columns = tuple(
                resolve_columns(
                    self.columns,
                    getattr(self, "feature_names_in_", None),
                    n_features,
                    param="columns",
                    owner=owner,
                )
            )
            if columns[0] == columns[1]:
                raise ValueError(
                    f"{owner}: columns {self.columns!r} names one column for "
                    "both ra and dec; expected two different columns."
                )
        self.columns_ = columns
        self.remainder_ = _remainder(n_features, columns, self.remainder)
        # reject bad coordinates and non-numeric columns already in fit
        self._radec(X, warn=False)
        as_float(self, X, self.remainder_, allow_inf=True)
        return self

    def _radec(self, X, warn=True):
        """Return the validated (ra, dec) columns of ``X``."""
        owner = type(self).__name__
        labels = column_labels(getattr(self, "feature_names_in_", None), X.shape[1])
        radec = as_float(self, X, self.columns_)
        ra, dec = radec[:, 0], radec[:, 1]
        bad = np.abs(dec) > 90
        if bad.any() and self.invalid == "nan":
            if warn:  # in transform; fit only checks
                warnings.warn(
                    f"{owner}: {int(bad.sum())} of {len(dec)} row(s) have a "
                    f"declination outside [-90, 90] in column "
                    f"{labels[self.columns_[1]]!r}; their coordinates are NaN "
                    "(invalid='nan').",
                    UserWarning,
                    # _radec < transform < sklearn's set_output wrapper < caller
                    stacklevel=4,
                )
            ra = np.where(bad, np.nan, ra)
            dec = np.where(bad, np.nan, dec)
        elif bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{owner} got dec = {dec[row]} in column "
                f"{labels[self.columns_[1]]!r} at row {row} ({int(bad.sum())} "
                "row(s) out of range); expected a declination in degrees within "
                "[-90, 90]."
            )
        return ra, dec

    def transform(self, X) -> np.ndarray:
        """Transform (ra, dec) into the frame.

        Parameters
        ----------
        X : array-like, DataFrame or astropy Table of shape (n_samples, n_features)
            The input, with the columns seen in :meth:`fit`.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The frame's coordinates in the form of ``output``, then the
            passed-through columns. A NaN ra or dec gives NaN coordinates.
        """
        from astropy.coordinates import SkyCoord

        check_is_fitted(self)
        X = validate_input(self, X, reset=False, dtype=None, ensure_all_finite=False)
        ra, dec = self._radec(X)
        coords = SkyCoord(ra, dec, unit="deg", frame="icrs")
        spherical = coords.transform_to(_FRAMES[self.frame][0]).spherical
        lon = spherical.lon.to_value("rad")
        lat = spherical.lat.to_value("rad")
        if self.output == "angles":
            blocks = [np.degrees(lon), np.degrees(lat)]
        elif self.output == "unit_vector":
            blocks = [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)]
        else:
            blocks = [np.sin(lon), np.cos(lon), np.sin(lat), np.cos(lat)]
        blocks.append(as_float(self, X, self.remainder_, allow_inf=True))
        return np.column_stack(blocks)

    def inverse_transform(self, X) -> np.ndarray:
        """Map the frame's coordinates back to (ra, dec) in degrees.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_out)
            Output of :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_)
            The input of :meth:`transform`, ra wrapped into [0, 360); dropped
            columns (``remainder="drop"``) are NaN.
        """
        from astropy.coordinates import SkyCoord

        check_is_fitted(self)
        width = {"angles": 2, "unit_vector": 3, "sincos": 4}[self.output]
        Z = _check_inverse_input(self, X, width + len(self.remainder_))
        if self.output == "angles":
            lon, lat = Z[:, 0], Z[:, 1]
        elif self.output == "unit_vector":
            x, y, z = Z[:, 0], Z[:, 1], Z[:, 2]
            lon = np.degrees(np.arctan2(y, x))
            lat = np.degrees(np.arctan2(z, np.hypot(x, y)))
        else:
            lon = np.degrees(np.arctan2(Z[:, 0], Z[:, 1]))
            lat = np.degrees(np.arctan2(Z[:, 2], Z[:, 3]))
        coords = SkyCoord(lon, lat, unit="deg", frame=_FRAMES[self.frame][0])
        icrs = coords.transform_to("icrs")
        out = np.full((Z.shape[0], self.n_features_in_), np.nan)
        out[:, self.columns_[0]] = icrs.ra.deg
        out[:, self.columns_[1]] = icrs.dec.deg
        out[:, self.remainder_] = Z[:, width:]
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Output names: e.g. ``l, b``; ``galactic_x, ...``; ``sin_l, ...``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_`` (or ``x{i}``).

        Returns
        -------
        feature_names_out : ndarray of str
            The output column names, then the passed-through ones.
        """
        check_is_fitted(self)
        names = [str(n) for n in _check_feature_names_in(self, input_features)]
        _, lon, lat = _FRAMES[self.frame]
        if self.output == "angles":
            out = [lon, lat]
        elif self.output == "unit_vector":
            out = [f"{self.frame}_{axis}" for axis in "xyz"]
        else:
            out = [f"sin_{lon}", f"cos_{lon}", f"sin_{lat}", f"cos_{lat}"]
        out += [names[j] for j in self.remainder_]
        return np.asarray(out, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
