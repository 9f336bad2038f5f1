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
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_array,
    check_is_fitted,
)

from skastro.utils._tables import column_labels, resolve_columns, table_to_frame
from skastro.utils._validation import as_float, validate_input

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
    def fit(self, X, y=None) -> PhotometricColors:
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
        X = validate_input(self, X, reset=True, dtype=None, ensure_all_finite=False)
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

        used = bands + (errors or []) + ([] if ebv is None else [ebv])
        as_float(self, X, used)  # reject non-numeric and infinite values early
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

    def transform(self, X) -> np.ndarray:
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
        X = validate_input(self, X, reset=False, dtype=None, ensure_all_finite=False)
        owner = type(self).__name__
        labels = column_labels(getattr(self, "feature_names_in_", None), X.shape[1])
        sentinels = self._sentinels()

        mags = as_float(self, X, self.bands_)
        mags[np.isin(mags, sentinels)] = np.nan
        if self.ebv_ is not None:
            ebv = as_float(self, X, [self.ebv_])
            mags = mags - self.extinction_coefficients_ * ebv

        first = [a for a, _ in self.pairs_]
        second = [b for _, b in self.pairs_]
        blocks = [mags] if self.keep_magnitudes else []
        blocks.append(mags[:, first] - mags[:, second])
        if self.errors_ is not None:
            errs = as_float(self, X, self.errors_)
            errs[np.isin(errs, sentinels)] = np.nan
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


def _flux_to_mag(flux, zero_point, softening, labels, owner):
    """AB (or asinh) magnitudes of ``flux`` (n_samples, n_bands) in zero-point units.

    Plain magnitudes need flux > 0: anything else raises, naming column and row.
    """
    x = flux / zero_point
    if softening is None:
        bad = x <= 0
        if bad.any():
            row, k = np.argwhere(bad)[0]
            value = flux[row, k]
            kind = "Negative values in data" if value < 0 else "Zero flux in data"
            raise ValueError(
                f"{kind}: {owner} got flux {value} in column {labels[k]!r} at row "
                f"{row}; plain AB magnitudes need flux > 0 (give asinh_softening "
                "for asinh magnitudes, which accept any flux)."
            )
        return -2.5 * np.log10(x)
    b = softening
    return -(np.arcsinh(x / (2.0 * b)) + np.log(b)) / _LN10_OVER_2_5


def _mag_to_flux(mag, zero_point, softening):
    """Flux in zero-point units of AB (or asinh) magnitudes ``mag``."""
    if softening is None:
        return zero_point * 10.0 ** (-0.4 * mag)
    b = softening
    return zero_point * 2.0 * b * np.sinh(-_LN10_OVER_2_5 * mag - np.log(b))


class _BaseMagnitudeFlux(TransformerMixin, BaseEstimator):
    """Shared machinery of :class:`MagnitudeToFlux` and :class:`FluxToMagnitude`.

    Subclasses set ``_prefix`` (the output-name prefix), ``_forward`` and
    ``_backward`` (transform and inverse_transform on the converted block).
    """

    _prefix = ""

    _parameter_constraints: dict = {
        "system": [StrOptions({"AB"})],
        "unit": [StrOptions({"nJy", "Jy", "maggies"})],
        "asinh_softening": [
            Interval(numbers.Real, 0, None, closed="neither"),
            "array-like",
            dict,
            None,
        ],
        "columns": ["array-like", None],
    }

    def __init__(
        self,
        system: str = "AB",
        unit: str = "nJy",
        asinh_softening: float | Sequence[float] | Mapping | None = None,
        columns: Sequence[str | int] | None = None,
    ):
        self.system = system
        self.unit = unit
        self.asinh_softening = asinh_softening
        self.columns = columns

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> _BaseMagnitudeFlux:
        """Resolve the columns to convert and the softening of each.

        Parameters
        ----------
        X : array-like, DataFrame or astropy Table of shape (n_samples, n_features)
            The input.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = validate_input(self, X, reset=True, dtype=None, ensure_all_finite=False)
        n_features = X.shape[1]
        names = getattr(self, "feature_names_in_", None)
        if self.columns is None:
            columns = list(range(n_features))
        else:
            columns = resolve_columns(
                self.columns,
                names,
                n_features,
                param="columns",
                owner=type(self).__name__,
            )
        self.columns_ = columns
        self.softening_ = self._resolve_softening(
            columns, column_labels(names, n_features)
        )
        self.zero_point_ = AB_ZERO_POINT[self.unit]
        # reject bad input (non-numeric, flux <= 0) already in fit
        as_float(self, X, range(n_features), allow_inf=True)
        self._forward(X)
        return self

    def _resolve_softening(self, columns, labels):
        owner = type(self).__name__
        b = self.asinh_softening
        if b is None:
            return None
        band_labels = [labels[j] for j in columns]
        if isinstance(b, Mapping):
            values = []
            for j, label in zip(columns, band_labels):
                if label in b:
                    values.append(b[label])
                elif j in b:
                    values.append(b[j])
                else:
                    raise ValueError(
                        f"{owner}: asinh_softening has no softening for column "
                        f"{label!r}; expected one for each of {band_labels}."
                    )
        elif np.ndim(b) == 0:
            values = [b] * len(columns)
        else:
            values = list(np.ravel(b))
            if len(values) != len(columns):
                raise ValueError(
                    f"{owner}: asinh_softening holds {len(values)} value(s) but "
                    f"{len(columns)} column(s) {band_labels} are converted; "
                    "expected one softening per column."
                )
        softening = np.asarray(values, dtype=np.float64)
        bad = ~(np.isfinite(softening) & (softening > 0))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{owner}: asinh_softening {softening[k]} for column "
                f"{band_labels[k]!r} is not a positive finite number; expected "
                "b > 0 (SDSS: u 1.4e-10, g 0.9e-10, r 1.2e-10, i 1.8e-10, "
                "z 7.4e-10)."
            )
        return softening

    def _labels(self):
        names = column_labels(
            getattr(self, "feature_names_in_", None), self.n_features_in_
        )
        return [names[j] for j in self.columns_]

    def transform(self, X) -> np.ndarray:
        """Convert the selected columns; the others pass through unchanged.

        Parameters
        ----------
        X : array-like, DataFrame or astropy Table of shape (n_samples, n_features)
            The input, with the columns seen in :meth:`fit`.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features)
            The converted array (NaN stays NaN).
        """
        check_is_fitted(self)
        X = validate_input(self, X, reset=False, dtype=None, ensure_all_finite=False)
        out = as_float(self, X, range(X.shape[1]), allow_inf=True)
        out[:, self.columns_] = self._forward(X)
        return out

    def inverse_transform(self, X) -> np.ndarray:
        """Convert back; ``inverse_transform(transform(X))`` returns ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Output of :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The input of :meth:`transform`, to 1e-10 relative precision.
        """
        check_is_fitted(self)
        X = check_array(table_to_frame(X), dtype=np.float64, ensure_all_finite=False)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__}."
                f"inverse_transform is expecting {self.n_features_in_} features "
                "as input."
            )
        out = X.copy()
        out[:, self.columns_] = self._backward(X)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Output names: converted columns get a prefix, the others keep theirs.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_`` (or ``x{i}``).

        Returns
        -------
        feature_names_out : ndarray of str
            ``flux_<name>`` (MagnitudeToFlux) or ``mag_<name>``
            (FluxToMagnitude) for a converted column, ``<name>`` otherwise.
        """
        check_is_fitted(self)
        names = [str(n) for n in _check_feature_names_in(self, input_features)]
        for j in self.columns_:
            names[j] = f"{self._prefix}{names[j]}"
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class MagnitudeToFlux(_BaseMagnitudeFlux):
    r"""Convert AB (or SDSS asinh) magnitudes into fluxes.

    Plain AB magnitudes [1]_:

    .. math:: f = f_0 \, 10^{-0.4 m}, \qquad f_0 = 3631\,\mathrm{Jy}.

    Asinh magnitudes [2]_ with softening :math:`b` (per band), as in SDSS:

    .. math::
        m = -\frac{2.5}{\ln 10}\left[\operatorname{asinh}
        \left(\frac{f/f_0}{2b}\right) + \ln b\right]
        \quad\Longleftrightarrow\quad
        f = 2 b f_0 \sinh\left(-\frac{\ln 10}{2.5} m - \ln b\right).

    Parameters
    ----------
    system : {"AB"}, default="AB"
        Photometric system (zero point 3631 Jy).
    unit : {"nJy", "Jy", "maggies"}, default="nJy"
        Unit of the fluxes; ``maggies`` are fluxes in units of 3631 Jy.
    asinh_softening : float, list of float or dict, default=None
        Softening :math:`b` per converted column (a float for all, a list in
        the order of the columns, or a dict column name -> b); ``None`` for
        plain magnitudes. SDSS: u 1.4e-10, g 0.9e-10, r 1.2e-10, i 1.8e-10,
        z 7.4e-10.
    columns : list of str or int, default=None
        The magnitude columns (names or indices); ``None`` converts all.
        Other columns pass through unchanged.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen in :meth:`fit`, when ``X`` had string names.
    columns_ : list of int
        Positions of the converted columns.
    softening_ : ndarray of shape (n_columns,) or None
        Softening per converted column.
    zero_point_ : float
        3631 Jy in ``unit``.

    See Also
    --------
    FluxToMagnitude : The inverse conversion.
    PhotometricColors : Colours from magnitudes.

    References
    ----------
    .. [1] J. B. Oke and J. E. Gunn, "Secondary standard stars for absolute
       spectrophotometry", ApJ 266, 713 (1983).
    .. [2] R. H. Lupton, J. E. Gunn and A. S. Szalay, "A Modified Magnitude
       System that Produces Well-Behaved Magnitudes, Colors, and Errors Even
       for Low Signal-to-Noise Ratio Measurements", AJ 118, 1406 (1999).

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.preprocessing import MagnitudeToFlux
    >>> MagnitudeToFlux(unit="Jy").fit_transform(np.array([[0.0, 2.5, 31.4]]))
    array([[3.631e+03, 3.631e+02, 1.000e-09]])
    >>> sdss = MagnitudeToFlux(unit="maggies", asinh_softening=1.2e-10)
    >>> sdss.fit_transform(np.array([[22.0], [26.0]]))  # fainter than flux 0: < 0
    array([[ 1.575...e-09], [-3.219...e-10]])
    """

    _prefix = "flux_"

    def _forward(self, X):
        block = as_float(self, X, self.columns_)
        return _mag_to_flux(block, self.zero_point_, self.softening_)

    def _backward(self, X):
        return _flux_to_mag(
            X[:, self.columns_],
            self.zero_point_,
            self.softening_,
            self._labels(),
            type(self).__name__,
        )


class FluxToMagnitude(_BaseMagnitudeFlux):
    r"""Convert fluxes into AB (or SDSS asinh) magnitudes.

    Plain AB magnitudes :math:`m = -2.5 \log_{10}(f / 3631\,\mathrm{Jy})`
    need :math:`f > 0`; asinh magnitudes [1]_

    .. math::
        m = -\frac{2.5}{\ln 10}\left[\operatorname{asinh}
        \left(\frac{f/f_0}{2b}\right) + \ln b\right]

    are defined for any flux, zero and negative included, and approach the
    plain ones for :math:`f \gg b f_0`.

    Parameters
    ----------
    system : {"AB"}, default="AB"
        Photometric system (zero point 3631 Jy).
    unit : {"nJy", "Jy", "maggies"}, default="nJy"
        Unit of the fluxes; ``maggies`` are fluxes in units of 3631 Jy.
    asinh_softening : float, list of float or dict, default=None
        Softening :math:`b` per converted column (a float for all, a list in
        the order of the columns, or a dict column name -> b); ``None`` for
        plain magnitudes. SDSS: u 1.4e-10, g 0.9e-10, r 1.2e-10, i 1.8e-10,
        z 7.4e-10.
    columns : list of str or int, default=None
        The flux columns (names or indices); ``None`` converts all. Other
        columns pass through unchanged.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen in :meth:`fit`, when ``X`` had string names.
    columns_ : list of int
        Positions of the converted columns.
    softening_ : ndarray of shape (n_columns,) or None
        Softening per converted column.
    zero_point_ : float
        3631 Jy in ``unit``.

    See Also
    --------
    MagnitudeToFlux : The inverse conversion.

    References
    ----------
    .. [1] R. H. Lupton, J. E. Gunn and A. S. Szalay, "A Modified Magnitude
       System that Produces Well-Behaved Magnitudes, Colors, and Errors Even
       for Low Signal-to-Noise Ratio Measurements", AJ 118, 1406 (1999).

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.preprocessing import FluxToMagnitude
    >>> FluxToMagnitude(unit="nJy").fit_transform(np.array([[3631.0, 36310.0]]))
    array([[22.5, 20. ]])
    >>> FluxToMagnitude(unit="nJy").fit_transform(np.array([[-5.0]]))
    Traceback (most recent call last):
    ...
    ValueError: Negative values in data: FluxToMagnitude got flux -5.0 in ...
    >>> asinh = FluxToMagnitude(unit="maggies", asinh_softening=1.2e-10)
    >>> asinh.fit_transform(np.array([[-5e-11], [0.0]]))  # finite for any flux
    array([[25.0...], [24.8...]])
    """

    _prefix = "mag_"

    def _forward(self, X):
        return _flux_to_mag(
            as_float(self, X, self.columns_),
            self.zero_point_,
            self.softening_,
            self._labels(),
            type(self).__name__,
        )

    def _backward(self, X):
        return _mag_to_flux(X[:, self.columns_], self.zero_point_, self.softening_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = self.asinh_softening is None
        return tags
