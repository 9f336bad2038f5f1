"""
===========================================================
Finding the odd ones out: autoencoder outlier scores on ZTF
===========================================================

Surveys produce far more objects than anyone can look at, so anomaly
detection ranks them by how unusual they are and sends the top of the list
to an expert. The SNAD team did exactly that on ZTF light curves: 3,309
candidates, each described by 54 light-curve features, were inspected and
tagged either as artefacts or as real astrophysical objects.

An :class:`~skastro.neural.Autoencoder` learns to reproduce its input
through a narrow latent layer. Trained on ordinary objects only, it
reconstructs them well and unfamiliar inputs badly: its ``score_samples`` is
minus the reconstruction error, in the scikit-learn convention of
:class:`~sklearn.ensemble.IsolationForest` (lower is more anomalous). We
train it on real objects, ask it to single out the artefacts among unseen
objects, and compare it with an isolation forest.
"""

# %%
# Training on real objects only
# -----------------------------
# Two thirds of the real objects train the detectors; the rest of the real
# objects and every artefact form the test set. The features span many orders
# of magnitude, so a quantile transform maps each to a standard normal first.
import matplotlib.pyplot as plt
import numpy as np

from skastro.datasets import fetch_ztf_realbogus

rb = fetch_ztf_realbogus()
X, is_artefact = rb.data, rb.target
rng = np.random.default_rng(0)
real = rng.permutation(np.flatnonzero(is_artefact == 0))
train = real[: 2 * len(real) // 3]
test = np.setdiff1d(np.arange(len(X)), train)
print(
    f"train: {len(train)} real; test: {np.count_nonzero(is_artefact[test] == 0)} "
    f"real + {np.count_nonzero(is_artefact[test] == 1)} artefacts"
)

# %%
# The autoencoder and an isolation forest
# ---------------------------------------
# 54 features are squeezed through a 4-dimensional latent code.
from sklearn.ensemble import IsolationForest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

from skastro.neural import Autoencoder


def gaussianise():
    return QuantileTransformer(output_distribution="normal", random_state=0)


detectors = {
    "autoencoder": make_pipeline(
        gaussianise(),
        Autoencoder(
            encoder_units=(32, 4),
            epochs=40,
            batch_size=64,
            dtype="float32",
            random_state=0,
        ),
    ),
    "isolation forest": make_pipeline(
        gaussianise(), IsolationForest(n_estimators=200, random_state=0)
    ),
}
scores = {}
for name, detector in detectors.items():
    detector.fit(X[train])
    scores[name] = -detector.score_samples(X[test])  # higher: more anomalous

# %%
# ROC curves: do artefacts score as anomalies?
# --------------------------------------------
from sklearn.metrics import RocCurveDisplay

fig, ax = plt.subplots(figsize=(5.5, 5))
for name, score in scores.items():
    RocCurveDisplay.from_predictions(is_artefact[test], score, name=name, ax=ax)
ax.plot([0, 1], [0, 1], ":", color="0.5")
ax.set_title("Artefacts as outliers of real objects")

# %%
# The reconstruction error of both classes
# ----------------------------------------
ae = detectors["autoencoder"]
error = scores["autoencoder"]
bins = np.logspace(np.log10(error.min()), np.log10(error.max()), 40)
fig, ax = plt.subplots(figsize=(6, 4))
for label, colour in [(0, "C0"), (1, "C3")]:
    sel = is_artefact[test] == label
    ax.hist(error[sel], bins, alpha=0.6, color=colour, label=rb.target_names[label])
ax.axvline(-ae[-1].offset_, color="k", ls="--", label="threshold (contamination=0.1)")
ax.set(xscale="log", xlabel="reconstruction error (mean squared)", ylabel="objects")
ax.legend(fontsize="small")

# %%
# The most anomalous objects
# --------------------------
# The top of the list is what an expert would inspect first. The latent
# space of the autoencoder places every object in four numbers; its first two
# show where the ten oddest ones sit.
top = np.argsort(error)[::-1][:10]
print("rank  ZTF oid            tag        error  amplitude  stetson_K")
for rank, i in enumerate(top, start=1):
    row = X[test[i]]
    print(
        f"{rank:>4}  {rb.ids[test[i]]:<17}  {rb.target_names[is_artefact[test[i]]]:<9}"
        f"  {error[i]:6.2f}  {row[rb.feature_names.index('amplitude_magn_r')]:9.2f}"
        f"  {row[rb.feature_names.index('stetson_K_magn_r')]:9.2f}"
    )
top50 = np.argsort(error)[::-1][:50]
print(
    f"artefacts among the top 50: {np.mean(is_artefact[test][top50]):.0%} "
    f"(in the whole test set: {np.mean(is_artefact[test]):.0%})"
)

latent = ae.transform(X[test])
fig, ax = plt.subplots(figsize=(6, 5))
for label, colour in [(0, "C0"), (1, "C3")]:
    sel = is_artefact[test] == label
    ax.scatter(
        *latent[sel, :2].T, s=4, alpha=0.4, c=colour, label=rb.target_names[label]
    )
ax.scatter(*latent[top, :2].T, s=120, facecolors="none", edgecolors="k", label="top 10")
ax.set(xlabel="latent 1", ylabel="latent 2", title="autoencoder latent space")
ax.legend(markerscale=2)

plt.show()
