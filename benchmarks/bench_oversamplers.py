"""Oversamplers in one pipeline: none, random, SMOTE and the conditional VAE.

Printed, never asserted. Each row is 5-fold stratified cross-validation
(shuffled, seed 0) of one imblearn Pipeline ``[sampler,] classifier``; the
sampler sees only the training folds (an imblearn Pipeline resamples at fit
only), every sampler uses ``sampling_strategy="auto"`` (every class but the
majority brought up to the majority's count) and ``random_state=0``.

``VAE, noise=True`` draws the new rows from the decoder's Gaussian instead
of taking its mean; ``VAE, clip=range`` clips them to the range of their
class's real rows.

- ``sdss``: SDSS DR14 ugriz magnitudes (``fetch_sdss_colors``, 10,000
  objects: 4998 galaxies, 850 QSOs, 4152 stars) turned into the four
  adjacent colours by ``PhotometricColors`` at the head of the pipeline;
  ``RandomForestClassifier(200)``; macro-F1 over the three classes and the
  recall of the QSOs.
- ``ztf``: the 54 SNAD light-curve features of ``fetch_ztf_realbogus``. The
  set is balanced (1664 real, 1645 artefacts), so the artefacts are thinned
  to a random tenth (seed 0: 165 kept) to make them the minority;
  ``RandomForestClassifier(200)``; ROC AUC and the recall of the artefacts.

The VAE sampler runs with ``epochs=60, batch_size=256`` on SDSS (8,000
training rows a fold) and with its defaults on ZTF, to keep the whole script
within about 10 minutes on 2 CPU cores; the time column is the mean fit time
of the pipeline per fold.

Usage::

    SKASTRO_DATA=... python benchmarks/bench_oversamplers.py [--part sdss|ztf|all]
        [--only NAME [NAME ...]]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import make_scorer, recall_score
from sklearn.model_selection import StratifiedKFold, cross_validate

from skastro.datasets import fetch_sdss_colors, fetch_ztf_realbogus
from skastro.neural import VAEOverSampler
from skastro.preprocessing import PhotometricColors


def samplers(vae_params: dict) -> dict:
    """The oversamplers compared, by the name printed."""
    return {
        "none": None,
        "RandomOverSampler": RandomOverSampler(random_state=0),
        "SMOTE": SMOTE(random_state=0),
        "VAEOverSampler": VAEOverSampler(random_state=0, **vae_params),
        "VAE, noise=True": VAEOverSampler(noise=True, random_state=0, **vae_params),
        "VAE, clip=range": VAEOverSampler(clip="range", random_state=0, **vae_params),
    }


def run(X, y, head: list, scoring: dict, vae_params: dict, only=None) -> None:
    """Cross-validate the samplers (those named in ``only``, if given)."""
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    print(f"{'sampler':<18}" + "".join(f"{k:>16}" for k in scoring) + f"{'fit s':>8}")
    for name, sampler in samplers(vae_params).items():
        if only and name not in only:
            continue
        steps = list(head)
        if sampler is not None:
            steps.append(("sampler", sampler))
        clf = RandomForestClassifier(n_estimators=200, n_jobs=2, random_state=0)
        pipe = Pipeline([*steps, ("clf", clf)])
        scores = cross_validate(pipe, X, y, cv=cv, scoring=scoring)
        cells = "".join(
            f"{scores[f'test_{k}'].mean():>10.3f} ± {scores[f'test_{k}'].std():.3f}"
            for k in scoring
        )
        print(f"{name:<18}{cells}{scores['fit_time'].mean():>8.1f}", flush=True)


def sdss(only=None) -> None:
    data = fetch_sdss_colors()
    qso = list(data.target_names).index("QSO")
    print(f"\nSDSS colours: {np.bincount(data.target).tolist()} {data.target_names}")
    scoring = {
        "macro-F1": "f1_macro",
        "QSO recall": make_scorer(recall_score, labels=[qso], average="macro"),
    }
    head = [("colours", PhotometricColors())]
    vae_params = {"epochs": 60, "batch_size": 256}
    run(data.data, data.target, head, scoring, vae_params, only)


def ztf(only=None) -> None:
    data = fetch_ztf_realbogus()
    rng = np.random.default_rng(0)
    keep = (data.target == 0) | (rng.random(len(data.target)) < 0.1)
    X, y = data.data[keep], data.target[keep]
    counts = np.bincount(y).tolist()
    print(f"\nZTF real/bogus, artefacts thinned: {counts} (real, artefact)")
    scoring = {"ROC AUC": "roc_auc", "recall": "recall"}
    run(X, y, [], scoring, {}, only)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["sdss", "ztf", "all"], default="all")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="samplers to run (default: all)"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    if args.part in ("sdss", "all"):
        sdss(args.only)
    if args.part in ("ztf", "all"):
        ztf(args.only)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
