"""LightCurveGPAugmenter: Gaussian-process oversampling of rare light-curve classes."""

from __future__ import annotations

import warnings
from collections import Counter
from numbers import Integral, Real

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from imblearn.utils._validation import ArraysTransformer
from sklearn.base import _fit_context
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from threadpoolctl import threadpool_limits

from ..utils._validation import validate_input
from ._augment_io import (
    as_sequence,
    band_index,
    band_labels,
    concat,
    fraction_range,
    is_light_curves,
    regular_to_sequence,
    usable_points,
)
from ._gp import draw_band, fit_object_gp

__all__ = ["LightCurveGPAugmenter"]

_NAME = "LightCurveGPAugmenter"


class LightCurveGPAugmenter(BaseOverSampler):
    """Oversample rare light-curve classes with Gaussian-process realisations.

    For every class to oversample, a Gaussian process is fitted to each of
    its light curves (the templates) and new light curves are drawn from the
    posterior: a random subset of the template's epochs, optionally jittered,
    a random shift of the whole curve, and noise drawn from the template's
    own errors. An imbalanced-learn sampler: in an
    :class:`imblearn.pipeline.Pipeline` before :class:`LightCurveFeatures`
    it resamples at fit only, and ``predict`` sees the light curves as given.

    Parameters
    ----------
    sampling_strategy : float, str, dict, callable or int, default="auto"
        How many light curves each class gets, as in imbalanced-learn
        (``"auto"`` = ``"not majority"``, ``"minority"``, ``"not minority"``,
        ``"all"``, a dict ``{class: target count}``, a callable of ``y``
        returning such a dict, a float ratio for two classes); an integer
        ``k >= 2`` brings every class with fewer than ``k`` members up to
        ``k``.
    keep_fraction : float or tuple of (float, float), default=(0.5, 1.0)
        Fraction of the template's epochs each new light curve keeps (at
        least ``min_points``, at most all), drawn uniformly from the range
        for each new curve, or fixed.
    time_jitter : float, default=0.0
        Each kept epoch moves by a uniform offset of at most this (time
        units), staying within its band's observed span.
    time_shift : float, default=0.0
        The whole new curve moves by a uniform shift of at most this (time
        units): its times lie within ``[t_min - time_shift, t_max +
        time_shift]`` of the template.
    min_points : int, default=3
        A light curve is a template when at least one band holds this many
        usable points.
    random_state : int, RandomState instance or None, default=None
        Seeds template choice, cadence, shifts and draws.

    Attributes
    ----------
    sampling_strategy_ : dict
        Class -> number of light curves generated.
    n_templates_ : dict
        Class -> number of templates used.
    n_features_in_ : int
        Number of epochs, when fitted on a 2-D array.
    feature_names_in_ : ndarray of str
        Column names, when fitted on a DataFrame of regular light curves.

    See Also
    --------
    LightCurveFeatures : Features of the augmented light curves.
    imblearn.over_sampling.SMOTE : Oversampling of feature rows instead.

    Notes
    -----
    Inputs are those of :class:`LightCurveFeatures`: a
    :class:`LightCurveSequence`, a sequence of per-object arrays
    ``(n_points, 2|3|4)`` = ``(t, m[, err[, band]])`` or dicts with ``time``,
    ``mag`` [, ``err``] [, ``band``] keys (both returned as a
    ``LightCurveSequence`` with the original objects first, then the new
    ones, with ids ``"<id>_aug<k>"``), or a 2-D array of regular light curves
    (times ``0, 1, ...``, NaN for a missing epoch, unit errors, one band),
    returned as a 2-D array of the same type with the new rows appended:
    kept epochs on the grid, shifts in whole epochs, no jitter.

    Model: the bands of an object share a Matern-3/2 kernel (amplitude,
    time scale) and an extra white noise added to the quoted errors, each
    band with its own mean; the hyperparameters maximise the likelihood
    (celerite2, linear in the number of points). A new curve's magnitudes
    are one posterior draw of the latent curve at its times plus Gaussian
    noise of errors drawn, with replacement, from the template band's
    errors. Points with a non-finite time, magnitude or error, or an error
    <= 0, are left out of the templates (counted in one warning); light
    curves with fewer than ``min_points`` points in every band are skipped
    as templates (counted in one warning).

    References
    ----------
    .. [1] Boone 2019, AJ 158, 257, "Avocado: Photometric Classification of
       Astronomical Transients with Gaussian Process Augmentation".
    .. [2] Foreman-Mackey et al. 2017, AJ 154, 220, "Fast and Scalable
       Gaussian Process Modeling with Applications to Astronomical Time
       Series" (celerite).

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.lightcurve import LightCurveGPAugmenter
    >>> rng = np.random.default_rng(0)
    >>> curves, y = [], []
    >>> for i, period in enumerate([2.0] * 6 + [5.0] * 2):
    ...     t = np.sort(rng.uniform(0, 40, 50))
    ...     m = 15 + np.sin(2 * np.pi * t / period) + rng.normal(0, 0.05, 50)
    ...     curves.append(np.column_stack([t, m, np.full(50, 0.05)]))
    ...     y.append(int(period == 5.0))
    >>> aug = LightCurveGPAugmenter(random_state=0)
    >>> X_res, y_res = aug.fit_resample(curves, y)
    >>> len(X_res), np.bincount(y_res).tolist()
    (12, [6, 6])
    >>> X_res.ids[8:].tolist()
    ['6_aug0', '7_aug0', '6_aug1', '7_aug1']
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "sampling_strategy": [
            *BaseOverSampler._parameter_constraints["sampling_strategy"],
            Interval(Integral, 2, None, closed="left"),
        ],
        "keep_fraction": [Interval(Real, 0, 1, closed="right"), tuple],
        "time_jitter": [Interval(Real, 0, None, closed="left")],
        "time_shift": [Interval(Real, 0, None, closed="left")],
        "min_points": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        keep_fraction: float | tuple[float, float] = (0.5, 1.0),
        time_jitter: float = 0.0,
        time_shift: float = 0.0,
        min_points: int = 3,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.keep_fraction = keep_fraction
        self.time_jitter = time_jitter
        self.time_shift = time_shift
        self.min_points = min_points
        self.random_state = random_state

    # ----------------------------------------------------------- validation

    def _check_X_y(self, X, y, accept_sparse=None):
        """(sequence, y, binarize_y, regular array or None)."""
        check_classification_targets(y)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if is_light_curves(X):
            for attr in ("n_features_in_", "feature_names_in_"):
                if hasattr(self, attr):
                    delattr(self, attr)
            seq = as_sequence(X)
            y = np.asarray(y)
            if y.shape[0] != len(seq):
                raise ValueError(
                    f"{_NAME}: X holds {len(seq)} light curves but y has "
                    f"{y.shape[0]} labels."
                )
            return seq, y, binarize_y, None
        Xa, y = validate_input(
            self,
            X,
            y,
            reset=True,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
        )
        return regular_to_sequence(Xa), y, binarize_y, Xa

    def _strategy(self, y) -> dict:
        if isinstance(self.sampling_strategy, Integral) and not isinstance(
            self.sampling_strategy, bool
        ):
            k = int(self.sampling_strategy)
            counts = Counter(y.tolist())
            if len(counts) < 2:
                raise ValueError(
                    f"{_NAME}: y holds one class only; expected at least two."
                )
            return {c: k - n for c, n in sorted(counts.items()) if n < k}
        return check_sampling_strategy(self.sampling_strategy, y, self._sampling_type)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Validate the input and compute how many curves each class gets.

        Parameters
        ----------
        X, y : light curves and their class labels
            As in :meth:`fit_resample`.

        Returns
        -------
        self : LightCurveGPAugmenter
            Fitted sampler.
        """
        _, y, _, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = self._strategy(y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y):
        """Return the light curves with new ones for the rare classes appended.

        Parameters
        ----------
        X : LightCurveSequence, sequence of light curves or array-like of \
shape (n_objects, n_epochs)
            Light curves (see Notes of the class).
        y : array-like of shape (n_objects,)
            Class labels.

        Returns
        -------
        X_resampled : LightCurveSequence or array-like
            The input light curves first, then the new ones: a
            ``LightCurveSequence`` for light-curve input, otherwise an array
            (or DataFrame, or list) like ``X`` with rows appended.
        y_resampled : ndarray of shape (n_objects + n_new,)
            Their labels (a list or Series when ``y`` was one).
        """
        arrays = None if is_light_curves(X) else ArraysTransformer(X, y)
        seq, y, binarize_y, regular = self._check_X_y(X, y)
        self.sampling_strategy_ = self._strategy(y)
        n_epochs = None if regular is None else regular.shape[1]
        new, new_y = self._fit_resample(seq, y, n_epochs=n_epochs)
        y_res = np.concatenate([y, np.asarray(new_y, dtype=y.dtype)])
        if binarize_y:
            y_res = label_binarize(y_res, classes=np.unique(y))
        if regular is None:
            return concat(seq, new), y_res
        rows = np.full((len(new), regular.shape[1]), np.nan, dtype=regular.dtype)
        for i, (t, m, _, _, _) in enumerate(new):
            rows[i, t.astype(np.intp)] = m
        return arrays.transform(np.vstack([regular, rows]), y_res)

    # ----------------------------------------------------------- generation

    def _fit_resample(self, seq, y, n_epochs=None):
        """New curves ``(t, m, err, band_idx, id)`` and their labels.

        ``n_epochs`` is the width of a 2-D array input (``None`` otherwise).
        """
        rng = np.random.default_rng(
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )
        bands = band_labels(seq)
        band_idx = band_index(seq, bands)
        fraction_range(self.keep_fraction)  # validates a tuple
        usable = usable_points(seq, n_epochs is not None)
        n_bands = len(bands)
        new, labels, skipped = [], [], []
        self.n_templates_ = {}
        # the small optimisations and solves run fastest on one BLAS thread
        with threadpool_limits(limits=1, user_api="blas"):
            for cls, n_new in self.sampling_strategy_.items():
                if n_new > 0:
                    members = np.flatnonzero(y == cls)
                    templates = self._templates(
                        seq, members, cls, (usable, band_idx, n_bands), skipped
                    )
                    self.n_templates_[cls] = len(templates)
                    new += self._class_curves(
                        seq,
                        templates,
                        n_new,
                        (usable, band_idx, n_bands),
                        rng,
                        n_epochs,
                    )
                    labels += [cls] * n_new
        if skipped:
            shown = ", ".join(repr(s) for s in skipped[:5])
            warnings.warn(
                f"{_NAME}: {len(skipped)} light curve(s) have fewer than "
                f"min_points={self.min_points} usable points in every band and "
                f"are not used as templates (ids {shown}"
                f"{', ...' if len(skipped) > 5 else ''}).",
                UserWarning,
                stacklevel=4,
            )
        return new, labels

    def _templates(self, seq, members, cls, points, skipped) -> list:
        """Members of ``cls`` with ``min_points`` usable points in a band.

        ``points`` is ``(usable mask, band index, n_bands)`` over all points;
        the ids of members left out are appended to ``skipped``.
        """
        usable, band_idx, n_bands = points
        templates = []
        for i in members.tolist():
            sl = slice(seq.offsets[i], seq.offsets[i + 1])
            counts = np.bincount(band_idx[sl][usable[sl]], minlength=n_bands)
            if counts.max(initial=0) >= self.min_points:
                templates.append(i)
            else:
                skipped.append(np.asarray(seq.ids[i]).tolist())
        if not templates:
            raise ValueError(
                f"{_NAME}: class {np.asarray(cls).tolist()!r} has no light curve "
                "usable as a "
                f"template ({members.shape[0]} member(s), none with "
                f"{self.min_points} or more usable points in a band); "
                "lower min_points or leave the class out of sampling_strategy."
            )
        return templates

    def _class_curves(self, seq, templates, n_new, points, rng, n_epochs):
        """``n_new`` curves drawn from the templates in turn (shuffled)."""
        usable, band_idx, n_bands = points
        lo, hi = fraction_range(self.keep_fraction)
        order = rng.permutation(templates)
        fits, uses, out = {}, Counter(), []
        for k in range(n_new):
            i = int(order[k % len(order)])
            if i not in fits:
                sl = slice(seq.offsets[i], seq.offsets[i + 1])
                ok = usable[sl]
                t, m = seq.time[sl][ok], seq.mag[sl][ok]
                e = np.ones(t.shape[0]) if seq.err is None else seq.err[sl][ok]
                fits[i] = fit_object_gp(t, m, e, band_idx[sl][ok], n_bands)
            curve = self._draw(fits[i], rng, lo, hi, n_epochs)
            out.append((*curve, f"{np.asarray(seq.ids[i]).tolist()}_aug{uses[i]}"))
            uses[i] += 1
        return out

    def _draw(self, fit, rng, lo, hi, n_epochs):
        """One new curve ``(t, m, err, band_idx)`` from a fitted template."""
        frac = rng.uniform(lo, hi) if hi > lo else lo
        shift = rng.uniform(-self.time_shift, self.time_shift)
        regular = n_epochs is not None
        if regular:
            shift = float(np.round(shift))
        ts, ms, es, bs = [], [], [], []
        for b, data in enumerate(fit.bands):
            if data is None:
                continue
            tb, eb = data[0], data[2]
            n = tb.shape[0]
            n_keep = min(n, max(int(round(frac * n)), min(self.min_points, n)))
            t_new = np.sort(tb[rng.choice(n, n_keep, replace=False)])
            if self.time_jitter > 0 and not regular:
                t_new = np.sort(
                    np.clip(
                        t_new + rng.uniform(-1, 1, n_keep) * self.time_jitter,
                        tb[0],
                        tb[-1],
                    )
                )
            latent = draw_band(fit, b, t_new, rng)
            err = rng.choice(eb, n_keep, replace=True)
            ts.append(t_new + shift)
            ms.append(latent + err * rng.standard_normal(n_keep))
            es.append(err)
            bs.append(np.full(n_keep, b, dtype=np.intp))
        t, m, e, b = (np.concatenate(a) for a in (ts, ms, es, bs))
        if regular:  # rows of a 2-D array: times stay on the grid 0..n-1
            keep = (t >= 0) & (t <= n_epochs - 1)
            t, m, e, b = t[keep], m[keep], e[keep], b[keep]
        return t, m, e, b

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = True
        return tags
