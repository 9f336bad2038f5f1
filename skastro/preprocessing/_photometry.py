"""Photometry: colours from magnitudes, and AB magnitude <-> flux conversions."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
from sklearn.base import (
    BaseEstimator,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from skastro.utils._validation import (
    check_no_inf,
    column_labels,
    resolve_columns,
    validate_numeric,
)

#: AB zero point, 3631 Jy, expressed in each flux unit.
AB_ZERO_POINT = {"Jy": 3631.0, "nJy": 3631.0e9, "maggies": 1.0}

_LN10_OVER_2_5 = np.log(10.0) / 2.5


class PhotometricColors(TransformerMixin, BaseEstimator):
    """Turn magnitudes into colours, with errors and extinction correction.

    A colour is the difference of two magnitudes, ``a-b = m_a - m_b``. The
    transformer forms colours from adjacent bands (``u-g``, ``g-r``, ...),
    from all pairs, or from a list of pairs; optionally it appends the colour
    errors and corrects the magnitudes for Galactic extinction first.

    Parameters
    ----------
    bands : list of str or int, default=None
        The magnitude columns, bluest first, by name (for a DataFrame or an
        astropy Table) or integer index. ``None`` takes every column of ``X``
        that is not named in ``errors`` or ``extinction``, in order.
    pairs : {"adjacent", "all"} or list of (band, band), default="adjacent"
        Which colours: ``"adjacent"`` gives ``bands[0]-bands[1]``,
        ``bands[1]-bands[2]``, ...; ``"all"`` every pair ``i < j``; a list of
        ``(a, b)`` gives ``a-b`` for each, ``a`` and ``b`` being entries of
        the bands (names or indices, as in ``bands``).
    errors : list of str or int, default=None
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

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen in :meth:`fit`, when ``X`` had string names.
    bands_ : list of int
        Positions of the magnitude columns in ``X``.
    band_names_ : list of str
        Label of each band (its column name, or ``x{i}``).
    pairs_ : list of (int, int)
        Each colour as a pair of positions into ``bands_``.
    errors_ : list of int or None
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
        "errors": ["array-like", None],
        "extinction": [dict, None],
        "keep_magnitudes": ["boolean"],
        "missing_values": [numbers.Real, "array-like", None],
    }

    def __init__(
        self,
        bands: Sequence[str | int] | None = None,
        pairs: str | Sequence[tuple[str | int, str | int]] = "adjacent",
        errors: Sequence[str | int] | None = None,
        extinction: dict | None = None,
        keep_magnitudes: bool = False,
        missing_values: float | Sequence[float] | None = None,
    ):
        self.bands = bands
        self.pairs = pairs
        self.errors = errors
        self.extinction = extinction
        self.keep_magnitudes = keep_magnitudes
        self.missing_values = missing_values

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Resolve the band, error and E(B-V) columns of ``X``.

        Parameters
        ----------
        X : array-like, DataFrame or astropy Table of shape (n_samples, n_features)
            Magnitudes (and error and E(B-V) columns, if used).
        y : None
            Ignored.

        Returns
        -------
        self : PhotometricColors
            The fitted transformer.
        """
        X = validate_numeric(self, X, reset=True)
        n_features = X.shape[1]
        names = getattr(self, "feature_names_in_", None)
        owner = type(self).__name__

        def resolve(columns, param):
            return resolve_columns(columns, names, n_features, param=param, owner=owner)

        ebv = None
        R = None
        if self.extinction is not None:
            if set(self.extinction) != {"R", "ebv"}:
                raise ValueError(
                    f"{owner}: extinction has keys {sorted(self.extinction)}; "
                    "expected exactly {'R': coefficients, 'ebv': column}."
                )
            (ebv,) = resolve([self.extinction["ebv"]], "extinction['ebv']")
        errors = None if self.errors is None else resolve(self.errors, "errors")
        if self.bands is None:
            taken = set(errors or ()) | ({ebv} if ebv is not None else set())
            bands = [j for j in range(n_features) if j not in taken]
        else:
            bands = resolve(self.bands, "bands")
        if len(set(bands)) != len(bands):
            raise ValueError(f"{owner}: bands {self.bands!r} name a column twice.")
        if len(bands) < 2:
            raise ValueError(
                f"{owner} needs at least 2 magnitude columns (bands) to form a "
                f"colour; X has {n_features} feature(s) and {len(bands)} band(s) "
                "were selected."
            )
        if errors is not None and len(errors) != len(bands):
            raise ValueError(
                f"{owner}: errors names {len(errors)} column(s) but there are "
                f"{len(bands)} bands; expected one error column per band."
            )
        labels = column_labels(names, n_features)
        band_names = [labels[j] for j in bands]
        if self.extinction is not None:
            R = self._resolve_coefficients(self.extinction["R"], bands, band_names)

        if isinstance(self.pairs, str):
            n = len(bands)
            if self.pairs == "adjacent":
                pairs = [(k, k + 1) for k in range(n - 1)]
            else:
                pairs = list(combinations(range(n), 2))
        else:
            pairs = [self._resolve_pair(pair, bands, band_names) for pair in self.pairs]
            if not pairs:
                raise ValueError(f"{owner}: pairs is empty; expected at least one.")

        self.bands_ = bands
        self.band_names_ = band_names
        self.pairs_ = pairs
        self.errors_ = errors
        self.ebv_ = ebv
        self.extinction_coefficients_ = R
        return self

    def _band_position(self, band, bands, band_names):
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

    def _resolve_pair(self, pair, bands, band_names):
        if isinstance(pair, str) or len(pair) != 2:
            raise ValueError(
                f"{type(self).__name__}: pair {pair!r} in pairs is not a "
                "(band, band) pair; expected e.g. ('g', 'r')."
            )
        a, b = (self._band_position(band, bands, band_names) for band in pair)
        if a == b:
            raise ValueError(
                f"{type(self).__name__}: pair {pair!r} subtracts band "
                f"{band_names[a]!r} from itself; expected two different bands."
            )
        return a, b

    def _resolve_coefficients(self, R, bands, band_names):
        owner = type(self).__name__
        if isinstance(R, Mapping):
            values = []
            for j, label in zip(bands, band_names):
                if label in R:
                    values.append(R[label])
                elif j in R:
                    values.append(R[j])
                else:
                    raise ValueError(
                        f"{owner}: extinction['R'] has no coefficient for band "
                        f"{label!r}; expected one for each of {band_names}."
                    )
        else:
            values = list(np.ravel(R))
            if len(values) != len(bands):
                raise ValueError(
                    f"{owner}: extinction['R'] holds {len(values)} coefficient(s) "
                    f"but there are {len(bands)} bands {band_names}; expected one "
                    "per band."
                )
        try:
            coefficients = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{owner}: extinction['R'] = {R!r} is not numeric; expected "
                "numbers R_b."
            ) from exc
        if not np.all(np.isfinite(coefficients)):
            raise ValueError(
                f"{owner}: extinction['R'] = {R!r} holds a non-finite value; "
                "expected finite R_b."
            )
        return coefficients

    def _sentinels(self) -> np.ndarray:
        if self.missing_values is None:
            return np.empty(0)
        return np.atleast_1d(np.asarray(self.missing_values, dtype=np.float64))

    def transform(self, X):
        """Compute the colours (and errors, and magnitudes if kept).

        Parameters
        ----------
        X : array-like, DataFrame or astropy Table of shape (n_samples, n_features)
            Magnitudes, with the columns seen in :meth:`fit`.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            ``[magnitudes,] colours[, colour errors]``; NaN where a magnitude
            (or error) is missing.
        """
        check_is_fitted(self)
        X = validate_numeric(self, X, reset=False)
        owner = type(self).__name__
        labels = column_labels(getattr(self, "feature_names_in_", None), X.shape[1])
        sentinels = self._sentinels()

        mags = X[:, self.bands_]
        mags[np.isin(mags, sentinels)] = np.nan
        check_no_inf(X, self.bands_, labels, owner=owner)
        if self.ebv_ is not None:
            check_no_inf(X, [self.ebv_], labels, owner=owner)
            mags = mags - self.extinction_coefficients_ * X[:, [self.ebv_]]

        first = [a for a, _ in self.pairs_]
        second = [b for _, b in self.pairs_]
        blocks = [mags] if self.keep_magnitudes else []
        blocks.append(mags[:, first] - mags[:, second])
        if self.errors_ is not None:
            errs = X[:, self.errors_]
            errs[np.isin(errs, sentinels)] = np.nan
            check_no_inf(X, self.errors_, labels, owner=owner)
            negative = errs < 0
            if negative.any():
                row, k = np.argwhere(negative)[0]
                raise ValueError(
                    f"{owner} got a negative magnitude error {errs[row, k]} in "
                    f"column {labels[self.errors_[k]]!r} at row {row}; expected "
                    "errors >= 0 (or a missing value)."
                )
            blocks.append(np.hypot(errs[:, first], errs[:, second]))
        return np.hstack(blocks)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns: ``a-b`` and ``err_a-b``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_`` (or ``x{i}``).

        Returns
        -------
        feature_names_out : ndarray of str
            The band names (if kept), the colours, then the colour errors.
        """
        check_is_fitted(self)
        input_features = _check_feature_names_in(self, input_features)
        bands = [str(input_features[j]) for j in self.bands_]
        colors = [f"{bands[a]}-{bands[b]}" for a, b in self.pairs_]
        names = list(bands) if self.keep_magnitudes else []
        names += colors
        if self.errors_ is not None:
            names += [f"err_{c}" for c in colors]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
