"""The demo behind ``python -m skastro demo``.

Runs four worked examples of the gallery end to end on real survey data:
star / galaxy / QSO classification from SDSS colours, short and long
gamma-ray bursts (BATSE), variable stars from ASAS light curves, and
real / bogus ZTF detections with a tuned threshold. It prints one table of
results (task, model, metric, value, time) and writes the figures to a
folder it names.

The data sets are read from the cache (``--data-home``, else
``$SKASTRO_DATA``, else ``~/skastro_data``) and downloaded into it when
missing. When a data set can be neither found nor downloaded, the demo says
so in one paragraph and returns 1, without a traceback.

matplotlib (the ``docs`` extra) is imported inside the functions, so
``import skastro`` never needs it.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["run_demo"]

#: Classes of the ASAS task (>= 13 light curves each) and their taxonomy,
#: after Richards et al. (2012), Fig. 1.
ASAS_TAXONOMY = {
    "pulsating": {
        "giants": ["Mira", "Semireg_PV", "SARG_A", "SARG_B", "LSP", "RV_Tauri", "RSG"],
        "cepheids": ["Classical_Cepheid", "PopII_Cepheid"],
        "rr_lyrae": ["RR_Lyrae_FM", "RR_Lyrae_FO"],
        "hot_pulsators": ["Delta_Scuti", "Beta_Cephei"],
    },
    "eclipsing": ["Beta_Persei", "Beta_Lyrae", "W_Ursae_Maj"],
    "eruptive_other": ["Weakline_T_Tauri", "RCB", "RS_CVn", "ChemPeculiar"],
}

#: Light-curve features of the ASAS task: the periodogram searched from
#: 0.2 day to the time span, 2 grid points per peak width (as in example 3).
ASAS_FEATURES = {"min_period": 0.2, "oversampling": 2.0, "n_peaks": 2, "n_jobs": 2}


@dataclass
class Row:
    """One line of the results table."""

    task: str
    model: str
    metric: str
    value: float
    seconds: float


class DataUnavailableError(RuntimeError):
    """A data set is neither in the cache nor downloadable."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def _leaves(taxonomy) -> list[str]:
    if isinstance(taxonomy, dict):
        return [leaf for child in taxonomy.values() for leaf in _leaves(child)]
    return list(taxonomy)


# -- the data -------------------------------------------------------------------


def _load(name: str, loader: Callable, data_home):
    """Call ``loader``; turn a missing, undownloadable data set into one error."""
    try:
        return loader(data_home=data_home)
    except OSError as exc:  # urllib's URLError and HTTPError are OSErrors
        raise DataUnavailableError(name, str(exc)) from exc


def load_data(data_home=None) -> dict:
    """Load (downloading when missing) the four data sets of the demo."""
    from skastro.datasets import (
        fetch_asas_lightcurves,
        fetch_batse_grb,
        fetch_sdss_colors,
        fetch_ztf_realbogus,
    )

    loaders = {
        "sdss": (
            "SDSS DR14 sample",
            lambda **kw: fetch_sdss_colors(as_frame=True, **kw),
        ),
        "batse": ("BATSE burst catalogue", fetch_batse_grb),
        "asas": ("ASAS variable-star light curves", fetch_asas_lightcurves),
        "realbogus": ("SNAD ZTF real/bogus features", fetch_ztf_realbogus),
    }
    return {
        key: _load(name, loader, data_home) for key, (name, loader) in loaders.items()
    }


# -- the tasks ------------------------------------------------------------------


def _save(fig, output: Path, name: str) -> Path:
    import matplotlib.pyplot as plt

    path = output / name
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def task_sdss(sdss, output: Path) -> list[Row]:
    """Stars, galaxies and QSOs from SDSS colours (gallery example 1)."""
    import matplotlib.pyplot as plt
    from imblearn.ensemble import BalancedRandomForestClassifier
    from sklearn.metrics import (
        ConfusionMatrixDisplay,
        balanced_accuracy_score,
        precision_recall_curve,
        recall_score,
    )
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline

    from skastro.preprocessing import PhotometricColors

    task = "SDSS star/galaxy/QSO"
    start = time.perf_counter()
    X_train, X_test, y_train, y_test = train_test_split(
        sdss.data, sdss.target, test_size=0.25, stratify=sdss.target, random_state=0
    )
    model = make_pipeline(
        PhotometricColors(bands=["u", "g", "r", "i", "z"], keep_magnitudes=True),
        BalancedRandomForestClassifier(
            n_estimators=100,
            sampling_strategy="all",
            replacement=True,
            bootstrap=False,
            random_state=0,
            n_jobs=2,
        ),
    ).fit(X_train, y_train)
    pred = model.predict(X_test)
    seconds = time.perf_counter() - start

    fig, ax = plt.subplots(figsize=(5, 4.2), layout="constrained")
    ConfusionMatrixDisplay.from_predictions(
        y_test, pred, normalize="true", values_format=".3f", cmap="Blues", ax=ax
    )
    ax.set_title("SDSS: PhotometricColors + balanced RF")
    _save(fig, output, "sdss_confusion_matrix.png")

    p_qso = model.predict_proba(X_test)[:, list(model.classes_).index("QSO")]
    precision, recall, thresholds = precision_recall_curve(y_test == "QSO", p_qso)
    fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
    ax.plot(thresholds, recall[:-1], label="QSO recall")
    ax.plot(thresholds, precision[:-1], label="QSO precision")
    ax.set(xlabel="threshold on P(QSO)", ylim=(0, 1.02), title="QSO selection")
    ax.legend()
    _save(fig, output, "sdss_qso_recall_vs_threshold.png")

    name = "PhotometricColors + BalancedRandomForest"
    qso_recall = recall_score(y_test, pred, labels=["QSO"], average=None)[0]
    return [
        Row(
            task,
            name,
            "balanced accuracy (test)",
            balanced_accuracy_score(y_test, pred),
            seconds,
        ),
        Row(task, name, "QSO recall (test)", qso_recall, seconds),
    ]


def task_batse(grb, output: Path) -> list[Row]:
    """Short and long gamma-ray bursts (gallery example 2)."""
    import matplotlib.pyplot as plt
    from sklearn.mixture import GaussianMixture
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    from skastro.mixture import GMMBayesClassifier

    task = "BATSE short/long GRBs"
    t90 = grb.data[:, grb.feature_names.index("T90")]
    hr32 = grb.data[:, grb.feature_names.index("HR32")]
    ok = np.isfinite(t90) & np.isfinite(hr32) & (t90 > 0) & (hr32 > 0)
    X = np.column_stack([np.log10(t90[ok]), np.log10(hr32[ok])])
    y = grb.target[ok]

    start = time.perf_counter()
    ks = np.arange(1, 5)
    bic = [GaussianMixture(k, n_init=2, random_state=0).fit(X).bic(X) for k in ks]
    best_k = int(ks[np.argmin(bic)])
    bic_seconds = time.perf_counter() - start

    start = time.perf_counter()
    clf = GMMBayesClassifier(n_components=2, priors="uniform", random_state=0)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    score = cross_val_score(clf, X, y, cv=cv, scoring="balanced_accuracy").mean()
    clf.fit(X, y)
    clf_seconds = time.perf_counter() - start

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    ax0.plot(ks, bic, "o-")
    ax0.set(xlabel="Gaussian components", ylabel="BIC", title="BATSE: BIC")
    xx, yy = np.meshgrid(np.linspace(-2, 3.2, 150), np.linspace(-1, 1.8, 150))
    p_short = clf.predict_proba(np.column_stack([xx.ravel(), yy.ravel()]))[:, 0]
    cs = ax1.contourf(xx, yy, p_short.reshape(xx.shape), levels=11, cmap="coolwarm_r")
    ax1.scatter(*X.T, s=2, c="k", alpha=0.3)
    fig.colorbar(cs, ax=ax1, label="P(short)")
    ax1.set(xlabel="log10 T90 [s]", ylabel="log10 HR32", title="GMMBayesClassifier")
    _save(fig, output, "batse_bic_and_posterior.png")

    return [
        Row(
            task,
            "GaussianMixture, 1-4 components",
            "components preferred by BIC",
            best_k,
            bic_seconds,
        ),
        Row(
            task,
            "GMMBayesClassifier (uniform priors)",
            "balanced accuracy (5-fold CV)",
            score,
            clf_seconds,
        ),
    ]


def task_asas(asas, output: Path) -> list[Row]:
    """Variable stars from ASAS light curves (gallery example 3)."""
    import matplotlib.pyplot as plt
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import accuracy_score, balanced_accuracy_score
    from sklearn.model_selection import train_test_split

    from skastro.ensemble import HierarchicalClassifier
    from skastro.lightcurve import LightCurveFeatures

    task = "ASAS variable stars"
    classes = asas.target_names[asas.target]
    keep = np.isin(classes, _leaves(ASAS_TAXONOMY))
    curves = [lc for lc, k in zip(asas.data, keep) if k]
    y = classes[keep]

    features = LightCurveFeatures(**ASAS_FEATURES).set_output(transform="pandas")
    # the first call compiles the numba kernels (cached on disk afterwards):
    # done on two curves, so the rate below is the steady-state throughput
    features.fit(curves).transform(curves[:2])
    start = time.perf_counter()
    F = features.transform(curves)
    feature_seconds = time.perf_counter() - start

    start = time.perf_counter()
    F_train, F_test, y_train, y_test = train_test_split(
        F, y, test_size=0.3, stratify=y, random_state=0
    )
    clf = HierarchicalClassifier(ASAS_TAXONOMY, random_state=0).fit(F_train, y_train)
    pred = clf.predict(F_test)
    clf_seconds = time.perf_counter() - start

    # folded light curves of one star per class, at the recovered period
    shown = ["Classical_Cepheid", "RR_Lyrae_FM", "Mira", "W_Ursae_Maj"]
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.4), layout="constrained")
    for ax, name in zip(axes, shown):
        i = int(np.flatnonzero(y == name)[0])
        t, m = curves[i][:, 0], curves[i][:, 1]
        period = float(F["period_0"].iloc[i])
        if name == "W_Ursae_Maj":  # two equal eclipses: the periodogram finds P/2
            period *= 2
        phase = (t / period) % 1.0
        ax.plot(np.r_[phase, phase + 1], np.r_[m, m], ".", ms=2)
        ax.invert_yaxis()
        ax.set(xlabel=f"phase (P = {period:.4g} d)", ylabel="V [mag]", title=name)
    _save(fig, output, "asas_folded_light_curves.png")

    # permutation importances on the held-out stars: the drop in balanced
    # accuracy when one feature is shuffled. The default node estimator
    # (boosted trees, a forest and networks, voted) has no impurity-based
    # importances, and these measure what the whole classifier uses, every
    # node together
    drop = permutation_importance(
        clf, F_test, y_test, scoring="balanced_accuracy", n_repeats=3, random_state=0
    ).importances_mean
    order = np.argsort(drop)[::-1][:15]
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    ax.barh(np.asarray(F.columns)[order][::-1], drop[order][::-1])
    ax.set(
        xlabel="drop in balanced accuracy (test, permuted)",
        title="ASAS: most useful features",
    )
    _save(fig, output, "asas_feature_importances.png")

    name = "LightCurveFeatures + HierarchicalClassifier"
    return [
        Row(
            task,
            "LightCurveFeatures",
            f"objects per second ({len(curves)} curves)",
            len(curves) / feature_seconds,
            feature_seconds,
        ),
        Row(task, name, "accuracy (test)", accuracy_score(y_test, pred), clf_seconds),
        Row(
            task,
            name,
            "balanced accuracy (test)",
            balanced_accuracy_score(y_test, pred),
            clf_seconds,
        ),
    ]


def task_realbogus(rb, output: Path) -> list[Row]:
    """Real vs bogus ZTF detections, threshold tuned for the rare class (example 8)."""
    import matplotlib.pyplot as plt
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import PrecisionRecallDisplay, f1_score
    from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split

    task = "ZTF real/bogus (10% real)"
    rng = np.random.default_rng(0)
    real = np.flatnonzero(rb.target == 0)
    artefact = np.flatnonzero(rb.target == 1)
    keep = np.concatenate(
        [artefact, rng.choice(real, size=len(artefact) // 9, replace=False)]
    )
    X, y = rb.data[keep], (rb.target[keep] == 0).astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )

    start = time.perf_counter()
    base = RandomForestClassifier(n_estimators=150, random_state=0, n_jobs=2)
    tuned = TunedThresholdClassifierCV(base, scoring="f1", cv=5, random_state=0)
    tuned.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    default = tuned.estimator_

    fig, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
    PrecisionRecallDisplay.from_estimator(
        default, X_test, y_test, name="random forest", ax=ax
    )
    ax.set_title(f"ZTF real/bogus: tuned threshold {tuned.best_threshold_:.2f}")
    _save(fig, output, "ztf_realbogus_precision_recall.png")

    return [
        Row(
            task,
            "RandomForest, threshold 0.5",
            "F1 of real (test)",
            f1_score(y_test, default.predict(X_test)),
            seconds,
        ),
        Row(
            task,
            f"TunedThresholdClassifierCV ({tuned.best_threshold_:.2f})",
            "F1 of real (test)",
            f1_score(y_test, tuned.predict(X_test)),
            seconds,
        ),
    ]


TASKS = (
    ("sdss", task_sdss),
    ("batse", task_batse),
    ("asas", task_asas),
    ("realbogus", task_realbogus),
)


# -- output ---------------------------------------------------------------------


def format_table(rows: list[Row]) -> str:
    """The results as one text table, columns separated by `` | ``."""
    header = ("task", "model", "metric", "value", "time [s]")
    cells = [
        (r.task, r.model, r.metric, f"{r.value:.4g}", f"{r.seconds:.1f}") for r in rows
    ]
    widths = [max(len(c[j]) for c in [header, *cells]) for j in range(len(header))]

    def line(values):
        return " | ".join(
            v.rjust(w) if j >= 3 else v.ljust(w)
            for j, (v, w) in enumerate(zip(values, widths))
        )

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(c) for c in cells)])


def _unavailable_message(exc: DataUnavailableError, data_home) -> str:
    from skastro.datasets import get_data_home

    home = get_data_home(data_home)
    return (
        f"skastro demo: the data set '{exc.name}' could not be found in the "
        f"cache {home} nor downloaded from its origin ({exc.reason}). The demo "
        "runs on real survey "
        "data and cannot continue without it. Connect to the internet and run "
        "the demo again (the data sets are downloaded once, about 10 MB), or "
        "point --data-home or the SKASTRO_DATA environment variable at a "
        "folder that already holds them (the layout is "
        "<data_home>/<data set folder>/<file>, as in ../shared/data), or set "
        "SKASTRO_DATA_URL to a mirror with that layout. Nothing was run."
    )


def run_demo(
    output: str | os.PathLike = "skastro_demo_output",
    data_home: str | os.PathLike | None = None,
) -> int:
    """Run the demo; return the exit status (0 done, 1 data unavailable).

    Parameters
    ----------
    output : str or path-like, default="skastro_demo_output"
        Folder for the figures, created when missing.
    data_home : str or path-like, default=None
        Data cache; ``None`` means ``$SKASTRO_DATA`` or ``~/skastro_data``.

    Returns
    -------
    status : int
        0 when every task ran, 1 when a data set could be neither found nor
        downloaded (a one-paragraph message goes to standard error).
    """
    import matplotlib

    matplotlib.use("Agg")

    total = time.perf_counter()
    print("skastro demo: loading the data sets ...", file=sys.stderr, flush=True)
    try:
        data = load_data(data_home)
    except DataUnavailableError as exc:
        print(_unavailable_message(exc, data_home), file=sys.stderr)
        return 1
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)

    rows: list[Row] = []
    for i, (key, task) in enumerate(TASKS, start=1):
        start = time.perf_counter()
        rows += task(data[key], output)
        print(
            f"skastro demo: [{i}/{len(TASKS)}] {rows[-1].task} done in "
            f"{time.perf_counter() - start:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    bad = [r for r in rows if not math.isfinite(r.value)]
    print(format_table(rows))
    print(
        f"\nFigures written to {output.resolve()}; "
        f"total time {time.perf_counter() - total:.1f} s."
    )
    if bad:
        print(f"skastro demo: non-finite results: {bad}", file=sys.stderr)
        return 1
    return 0
