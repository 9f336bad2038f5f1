"""
=================================================
Gaussian-process augmentation of rare ASAS stars
=================================================

Half of the 28 ASAS variable-star classes have fewer than 25 members: a
classifier sees too few of them to learn their light curves.
:class:`~skastro.lightcurve.LightCurveGPAugmenter` fits a Gaussian process
to each light curve of a rare class and draws new, realistic ones from it
(a random subset of the epochs, a small time shift, noise drawn from the
star's own errors), in the manner of avocado (Boone 2019). As an
imbalanced-learn sampler it sits in a pipeline before
:class:`~skastro.lightcurve.LightCurveFeatures` and resamples the training
data only.
"""

# %%
# New light curves of a rare star
# -------------------------------
# A Population II Cepheid (13 stars in the set): its light curve and two
# GP realisations. The realisations keep half to all of the epochs, shift
# by up to 50 days and carry noise drawn from the star's errors.
import matplotlib.pyplot as plt
import numpy as np

from skastro.datasets import fetch_asas_lightcurves
from skastro.lightcurve import LightCurveGPAugmenter

asas = fetch_asas_lightcurves()
classes = asas.target_names[asas.target]
star = int(np.flatnonzero(classes == "PopII_Cepheid")[0])
others = np.flatnonzero(classes == "Mira")[:3]
curves = [asas.data[star]] + [asas.data[i] for i in others]
labels = np.array(["PopII_Cepheid", "Mira", "Mira", "Mira"])
augmenter = LightCurveGPAugmenter(
    sampling_strategy={"PopII_Cepheid": 3}, time_shift=50.0, random_state=0
)
X_res, y_res = augmenter.fit_resample(curves, labels)

fig, axes = plt.subplots(3, 1, figsize=(8, 7), sharex=True, sharey=True)
for ax, k in zip(axes, [0, 4, 5]):
    curve = X_res[k]
    ax.errorbar(curve["time"], curve["mag"], curve["err"], fmt=".", ms=3, lw=0.5)
    ax.set_title(f"{X_res.ids[k]} ({len(curve['time'])} epochs)", fontsize=9)
    ax.invert_yaxis() if k == 0 else None
    ax.set_ylabel("V [mag]")
axes[-1].set_xlabel("HJD - 2450000 [d]")
fig.tight_layout()

# %%
# Does it help a classifier?
# --------------------------
# Three-fold cross-validation of ``LightCurveFeatures(features="fast")`` and
# a random forest, with and without the augmenter bringing every class with
# fewer than 20 training stars up to 20. imbalanced-learn's pipeline calls
# the sampler in ``fit`` only: the test folds are the stars as observed.
# (``benchmarks/bench_augment.py`` repeats this over three seeds.)
import warnings

from imblearn.pipeline import Pipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold

from skastro.lightcurve import LightCurveFeatures

counts = np.bincount(asas.target)
keep = np.flatnonzero(counts[asas.target] >= 3)
X = [asas.data[i] for i in keep]
y = classes[keep]


def balanced_accuracy(augment):
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    scores = []
    for train, test in cv.split(np.zeros(len(y)), y):
        steps = [
            ("features", LightCurveFeatures(features="fast")),
            ("clf", RandomForestClassifier(200, random_state=0, n_jobs=2)),
        ]
        if augment:
            steps.insert(
                0,
                (
                    "augment",
                    LightCurveGPAugmenter(sampling_strategy=20, random_state=0),
                ),
            )
        model = Pipeline(steps)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model.fit([X[i] for i in train], y[train])
            scores.append(
                balanced_accuracy_score(y[test], model.predict([X[i] for i in test]))
            )
    return np.mean(scores)


scores = {"without": balanced_accuracy(False), "with GP": balanced_accuracy(True)}
print({k: round(float(v), 3) for k, v in scores.items()})

fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(list(scores), list(scores.values()), color=["0.6", "C0"])
ax.set_ylabel("balanced accuracy (3-fold CV)")
ax.set_ylim(0, 1)
fig.tight_layout()
plt.show()
