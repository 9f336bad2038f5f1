"""Colours from magnitudes: differences of bands, their errors, dereddening."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from itertools import combinations

import numpy as np
from sklearn.utils._param_validation import Hidden, StrOptions
from sklearn.utils.deprecation import deprecated

from skastro.preprocessing._base import (
    ColumnTransformerBase,
    per_column,
    raise_at_first,
    renamed_parameter,
)
from skastro.preprocessing._docstring import fill_doc
from skastro.utils._units import to_magnitudes


@fill_doc
class PhotometricColors(ColumnTransformerBase):
    """Turn magnitudes into colours, with errors and extinction correction.

    A colour is the difference of two magnitudes, ``a-b = m_a - m_b``. The
    transformer forms colours from adjacent bands (``u-g``, ``g-r``, ...),
    from all pairs, or from a list of pairs; optionally it appends the colour
    errors and corrects the magnitudes for Galactic extinction first. The
    output is ``[magnitudes,] colours[, colour errors]``, NaN where a
    magnitude (or error) is missing.
    Magnitude, error and E(B-V) columns are plain numbers or, in a QTable or
    a Table with column units, ``u.mag`` or ``u.ABmag`` (read as AB
    magnitudes); any other unit (a flux in Jy, say) raises a ValueError
    naming the column, its unit and the physical type expected.

    Parameters
    ----------
    bands : list of str or int, default=None
        The magnitude columns, bluest first, by name (for a DataFrame or an
        astropy Table) or integer index. ``None`` takes every column of ``X``
        that is not named in ``error_columns`` or ``extinction``, in order.
    pairs : {"adjacent", "all"} or list of (band, band), default="adjacent"
        Which colours: ``"adjacent"`` gives ``bands[0]-bands[1]``,
        ``bands[1]-bands[2]``, ...; ``"all"`` every pair ``i < j``; a list of
        ``(a, b)`` gives ``a-b`` for each, ``a`` and ``b`` being entries of
        the bands (names or indices, as in ``bands``).
    error_columns : list of str or int, default=None
        The magnitude-error columns, one per band in the order of the bands.
        When given, the colour errors ``sqrt(e_a**2 + e_b**2)`` are appended
        after the colours, named ``err_a-b``.
    extinction : dict, default=None
        Extinction correction ``m_b - R_b * E(B-V)``, as
        ``{"R": coefficients, "ebv": column}``: ``coefficients`` is a mapping
        band label -> ``R_b`` or a sequence with one ``R_b`` per band, and
        ``column`` names (or indexes) the column of ``X`` holding E(B-V).
    keep_magnitudes : bool, default=False
        Whether to put the (dereddened, if ``extinction`` is given) magnitudes
        in front of the colours.
    missing_values : float or list of float, default=None
        Sentinel values that mark a missing magnitude or error (such as
        ``-9999`` or ``99``); they become NaN. NaN always marks a missing
        value, and propagates to the colours (and errors) that use it.
    errors : list of str or int
        Former name of ``error_columns``.

        .. deprecated:: 0.1
           ``errors`` was renamed ``error_columns`` in 0.1 and will be removed
           in 0.2 (``errors`` names a bad-value policy elsewhere in skastro).

    Attributes
    ----------
    %(fitted_columns)s
    bands_ : list of int
        Positions of the magnitude columns in ``X``.
    band_names_ : list of str
        Label of each band (its column name, or ``x{i}``).
    pairs_ : list of (int, int)
        Each colour as a pair of positions into ``bands_``.
    error_columns_ : list of int or None
        Positions of the error columns in ``X``.
    ebv_ : int or None
        Position of the E(B-V) column in ``X``.
    extinction_coefficients_ : ndarray of shape (n_bands,) or None
        ``R_b`` for each band.

    See Also
    --------
    MagnitudeToFlux : AB magnitudes to fluxes.

    References
    ----------
    .. [1] E. F. Schlafly and D. P. Finkbeiner, "Measuring Reddening with
       Sloan Digital Sky Survey Stellar Spectra and Recalibrating SFD",
       ApJ 737, 103 (2011). Table 6 gives ``R_b`` for SDSS ugriz:
       4.239, 3.303, 2.285, 1.698, 1.263.

    Examples
    --------
    >>> import pandas as pd
    >>> from skastro.preprocessing import PhotometricColors
    >>> mags = pd.DataFrame({"u": [19.5, 18.0], "g": [18.0, 17.5], "r": [17.5, 99.0]})
    >>> colors = PhotometricColors(missing_values=99).set_output(transform="pandas")
    >>> colors.fit_transform(mags)
       u-g  g-r
    0  1.5  0.5
    1  0.5  NaN
    >>> PhotometricColors(pairs=[("u", "r")]).fit(mags).get_feature_names_out()
    array(['u-r'], dtype=object)
    """

    _parameter_constraints: dict = {
        "bands": ["array-like", None],
        "pairs": [StrOptions({"adjacent", "all"}), list, tuple],
        "error_columns": ["array-like", None],
        "extinction": [dict, None],
        "keep_magnitudes": ["boolean"],
        "missing_values": [numbers.Real, "array-like", None],
        "errors": ["array-like", None, Hidden(StrOptions({"deprecated"}))],
    }

    def __init__(
        self,
        bands: Sequence[str | int] | None = None,
        pairs: str | Sequence[tuple[str | int, str | int]] = "adjacent",
        error_columns: Sequence[str | int] | None = None,
        extinction: dict | None = None,
        keep_magnitudes: bool = False,
        missing_values: float | Sequence[float] | None = None,
        errors: Sequence[str | int] | None | str = "deprecated",
    ):
        self.bands = bands
        self.pairs = pairs
        self.error_columns = error_columns
        self.extinction = extinction
        self.keep_magnitudes = keep_magnitudes
        self.missing_values = missing_values
        self.errors = errors

    @deprecated(
        "Attribute `errors_` was renamed `error_columns_` in 0.1 and will be "
        "removed in 0.2."
    )
    @property
    def errors_(self):
        """Former name of ``error_columns_``."""
        return self.error_columns_

    def _fit(self, X, units):
        owner = type(self).__name__
        ebv = None
        if self.extinction is not None:
            if set(self.extinction) != {"R", "ebv"}:
                raise ValueError(
                    f"{owner}: extinction has keys {sorted(self.extinction)}; "
                    "expected exactly {'R': coefficients, 'ebv': column}."
                )
            (ebv,) = self._resolve([self.extinction["ebv"]], "extinction['ebv']")
        spec = renamed_parameter(self, "errors", "error_columns", None)
        old = not (isinstance(self.errors, str) and self.errors == "deprecated")
        param = "errors" if old else "error_columns"
        errors = None if spec is None else self._resolve(spec, param)
        bands = self._bands(errors, ebv)
        if errors is not None and len(errors) != len(bands):
            raise ValueError(
                f"{owner}: {param} names {len(errors)} column(s) but there are "
                f"{len(bands)} bands; expected one error column per band."
            )
        labels = self._labels()
        band_names = [labels[j] for j in bands]
        R = None
        if self.extinction is not None:
            R = per_column(
                self.extinction["R"],
                bands,
                labels,
                owner=owner,
                param="extinction['R']",
                noun=("coefficient", "coefficient(s)"),
                kind="band",
            )
        pairs = self._pairs(bands, band_names)
        used = bands + (errors or []) + ([] if ebv is None else [ebv])
        # reject non-numeric and infinite values and wrong units early
        self._physical(X, units, used, to_magnitudes)
        self.bands_ = bands
        self.band_names_ = band_names
        self.pairs_ = pairs
        self.error_columns_ = errors
        self.ebv_ = ebv
        self.extinction_coefficients_ = R

    def _bands(self, errors, ebv) -> list[int]:
        """Positions of the magnitude columns (all unused ones by default)."""
        if self.bands is None:
            taken = set(errors or ()) | ({ebv} if ebv is not None else set())
            bands = [j for j in range(self.n_features_in_) if j not in taken]
        else:
            bands = self._resolve(self.bands, "bands")
        if len(set(bands)) != len(bands):
            raise ValueError(
                f"{type(self).__name__}: bands {self.bands!r} name a column twice."
            )
        if len(bands) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 magnitude columns "
                f"(bands) to form a colour; X has {self.n_features_in_} "
                f"feature(s) and {len(bands)} band(s) were selected."
            )
        return bands

    def _pairs(self, bands, band_names) -> list[tuple[int, int]]:
        """Each colour as a pair of positions into ``bands``."""
        n = len(bands)
        if self.pairs == "adjacent":
            return [(k, k + 1) for k in range(n - 1)]
        if self.pairs == "all":
            return list(combinations(range(n), 2))
        pairs = []
        for pair in self.pairs:
            self._check_pair(
                pair, "pair", "a (band, band) pair; expected e.g. ('g', 'r')"
            )
            a, b = (self._band_position(band, bands, band_names) for band in pair)
            if a == b:
                raise ValueError(
                    f"{type(self).__name__}: pair {pair!r} subtracts band "
                    f"{band_names[a]!r} from itself; expected two different bands."
                )
            pairs.append((a, b))
        if not pairs:
            raise ValueError(
                f"{type(self).__name__}: pairs is empty; expected at least one."
            )
        return pairs

    def _band_position(self, band, bands, band_names) -> int:
        """Position into ``bands`` of a band given by name or column index."""
        if isinstance(band, str) and band in band_names:
            return band_names.index(band)
        if isinstance(band, numbers.Integral) and not isinstance(band, bool):
            position = int(band) % self.n_features_in_
            if -self.n_features_in_ <= band < self.n_features_in_ and position in bands:
                return bands.index(position)
        raise ValueError(
            f"{type(self).__name__}: band {band!r} is not one of the bands "
            f"{band_names}; expected a band name or the column index of a band."
        )

    def _read(self, X, units, positions) -> np.ndarray:
        """Columns ``positions`` in magnitudes, the sentinel values made NaN."""
        block = self._physical(X, units, positions, to_magnitudes)
        if self.missing_values is not None:
            sentinels = np.atleast_1d(np.asarray(self.missing_values, dtype=np.float64))
            block[np.isin(block, sentinels)] = np.nan
        return block

    def _transform(self, X, units) -> np.ndarray:
        mags = self._read(X, units, self.bands_)
        if self.ebv_ is not None:
            ebv = self._physical(X, units, [self.ebv_], to_magnitudes)
            mags = mags - self.extinction_coefficients_ * ebv
        first = [a for a, _ in self.pairs_]
        second = [b for _, b in self.pairs_]
        blocks = [mags] if self.keep_magnitudes else []
        blocks.append(mags[:, first] - mags[:, second])
        if self.error_columns_ is not None:
            errs = self._read(X, units, self.error_columns_)
            labels = self._labels()
            raise_at_first(
                errs < 0,
                lambda row, k: (
                    f"{type(self).__name__} got a negative magnitude error "
                    f"{errs[row, k]} in column {labels[self.error_columns_[k]]!r} "
                    f"at row {row}; expected errors >= 0 (or a missing value)."
                ),
            )
            blocks.append(np.hypot(errs[:, first], errs[:, second]))
        return np.hstack(blocks)

    def _names_out(self, names) -> list[str]:
        bands = [names[j] for j in self.bands_]
        colors = [f"{bands[a]}-{bands[b]}" for a, b in self.pairs_]
        out = list(bands) if self.keep_magnitudes else []
        out += colors
        if self.error_columns_ is not None:
            out += [f"err_{c}" for c in colors]
        return out
