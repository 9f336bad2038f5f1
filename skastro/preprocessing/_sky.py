"""Sky coordinates: (ra, dec) in another frame, through astropy's SkyCoord."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.utils._param_validation import Hidden, StrOptions

from skastro.preprocessing._base import (
    InvertibleColumnTransformer,
    remainder_columns,
    renamed_parameter,
)
from skastro.preprocessing._docstring import fill_doc
from skastro.utils._units import to_degrees

# frame parameter -> (astropy frame name, longitude label, latitude label)
_FRAMES = {
    "galactic": ("galactic", "l", "b"),
    "ecliptic": ("barycentricmeanecliptic", "elon", "elat"),
    "icrs": ("icrs", "ra", "dec"),
}

# output parameter -> number of coordinate columns
_WIDTH = {"angles": 2, "unit_vector": 3, "sincos": 4}


@fill_doc
class SkyCoordinateTransformer(InvertibleColumnTransformer):
    """Turn (ra, dec) in degrees into another frame's coordinates, via astropy.

    Plain numbers are degrees; ra and dec columns with an angle unit (a
    QTable, a Table column's ``unit``, a Quantity) are converted to degrees,
    and any other unit is refused with a ValueError naming the column.

    The whole column pair goes through
    ``SkyCoord(ra, dec, unit="deg", frame="icrs").transform_to(frame)`` in one
    vectorised call. The output is the frame's longitude and latitude in
    degrees, or a form without the wrap-around at 0/360 deg that a model
    would otherwise have to learn: the 3-D unit vector
    :math:`(\\cos b \\cos l, \\cos b \\sin l, \\sin b)`, or the sines and
    cosines of longitude and latitude; then the passed-through columns. A
    NaN ra or dec gives NaN coordinates. :meth:`inverse_transform` maps the
    output back to (ra, dec), ra wrapped into [0, 360).

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
        The right ascension and declination columns (ICRS, in degrees or
        with an angle unit), by name or index. ``None`` takes the first two columns.
    remainder : {"passthrough", "drop"}, default="passthrough"
        What happens to the other columns: appended unchanged, or dropped.
    errors : {"raise", "nan"}, default="raise"
        What a declination outside [-90, 90] gets: a ValueError naming its
        row and value (in degrees), or (``"nan"``, for catalogues that mark missing
        coordinates with sentinels such as 999) NaN coordinates for that row,
        with a warning that counts them.
    invalid : {"raise", "nan"}
        Former name of ``errors``.

        .. deprecated:: 0.1
           ``invalid`` was renamed ``errors`` in 0.1 and will be removed in
           0.2 (``errors`` names the bad-value policy across skastro).

    Attributes
    ----------
    %(fitted_columns)s
    columns_ : tuple of (int, int)
        Positions of ra and dec in ``X``.
    %(remainder_)s
    errors_ : {"raise", "nan"}
        The policy in use (``errors``, or the deprecated ``invalid``).

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
        "output": [StrOptions(set(_WIDTH))],
        "columns": ["array-like", None],
        "remainder": [StrOptions({"passthrough", "drop"})],
        "errors": [StrOptions({"raise", "nan"})],
        "invalid": [StrOptions({"raise", "nan"}), Hidden(StrOptions({"deprecated"}))],
    }

    def __init__(
        self,
        frame: str = "galactic",
        output: str = "angles",
        columns: tuple[str | int, str | int] | None = None,
        remainder: str = "passthrough",
        errors: str = "raise",
        invalid: str = "deprecated",
    ):
        self.frame = frame
        self.output = output
        self.columns = columns
        self.remainder = remainder
        self.errors = errors
        self.invalid = invalid

    def _fit(self, X, units):
        owner = type(self).__name__
        self._require_columns("ra and dec columns")
        if self.columns is None:
            columns = (0, 1)
        else:
            self._check_pair(
                self.columns,
                "columns",
                "an (ra, dec) pair; expected e.g. ('ra', 'dec') or (0, 1)",
            )
            columns = tuple(self._resolve(self.columns, "columns"))
            if columns[0] == columns[1]:
                raise ValueError(
                    f"{owner}: columns {self.columns!r} names one column for "
                    "both ra and dec; expected two different columns."
                )
        self.errors_ = renamed_parameter(self, "invalid", "errors", "raise")
        self.columns_ = columns
        self.remainder_ = remainder_columns(X.shape[1], columns, self.remainder)
        # reject bad coordinates and non-numeric columns already in fit
        self._radec(X, units, warn=False)
        self._remainder_block(X)

    def _radec(self, X, units, warn=True):
        """Return the validated (ra, dec) columns of ``X``, in degrees."""
        owner = type(self).__name__
        label = self._labels()[self.columns_[1]]
        radec = self._physical(X, units, self.columns_, to_degrees)
        ra, dec = radec[:, 0], radec[:, 1]
        bad = np.abs(dec) > 90
        if bad.any() and self.errors_ == "nan":
            if warn:  # in transform; fit only checks
                warnings.warn(
                    f"{owner}: {int(bad.sum())} of {len(dec)} row(s) have a "
                    f"declination outside [-90, 90] in column {label!r}; their "
                    "coordinates are NaN (errors='nan').",
                    UserWarning,
                    # _radec < _transform < transform < set_output's wrapper
                    # < caller
                    stacklevel=5,
                )
            ra = np.where(bad, np.nan, ra)
            dec = np.where(bad, np.nan, dec)
        elif bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{owner} got dec = {dec[row]} in column {label!r} at row {row} "
                f"({int(bad.sum())} row(s) out of range); expected a declination "
                "in degrees within [-90, 90]."
            )
        return ra, dec

    def _transform(self, X, units) -> np.ndarray:
        from astropy.coordinates import SkyCoord

        ra, dec = self._radec(X, units)
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
        blocks.append(self._remainder_block(X))
        return np.column_stack(blocks)

    def _inverse_transform(self, Z) -> np.ndarray:
        from astropy.coordinates import SkyCoord

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
        out = self._inverse_frame(Z, start=_WIDTH[self.output])
        out[:, self.columns_[0]] = icrs.ra.deg
        out[:, self.columns_[1]] = icrs.dec.deg
        return out

    def _names_out(self, names) -> list[str]:
        _, lon, lat = _FRAMES[self.frame]
        if self.output == "angles":
            out = [lon, lat]
        elif self.output == "unit_vector":
            out = [f"{self.frame}_{axis}" for axis in "xyz"]
        else:
            out = [f"sin_{lon}", f"cos_{lon}", f"sin_{lat}", f"cos_{lat}"]
        return out + [names[j] for j in self.remainder_]
