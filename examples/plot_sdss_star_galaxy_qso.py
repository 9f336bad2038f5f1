"""
=============================================
Stars, galaxies and quasars from SDSS colours
=============================================

Spectroscopy tells stars, galaxies and quasars (QSOs) apart with certainty,
but only for the few objects that get a spectrum. Photometry exists for all
of them, so the classic task is to predict the spectroscopic class from the
five SDSS magnitudes *u, g, r, i, z*. Colours (differences of magnitudes)
carry the physics: they do not depend on distance, only on the shape of the
spectrum.

The 10,000 objects of the SDSS DR14 sample are imbalanced: QSOs are only
8.5 %. A classifier trained to maximise accuracy happily sacrifices them, so
we compare a plain random forest with an imbalance-aware one
(:class:`~imblearn.ensemble.BalancedRandomForestClassifier`, which
under-samples every bootstrap to balanced classes) and look at the QSO
recall, and at what happens when the decision threshold on P(QSO) moves.
"""

# %%
# The data
# --------
# :func:`~skastro.datasets.fetch_sdss_colors` downloads the catalogue once
# into the data cache and loads it from there afterwards.
import matplotlib.pyplot as plt

from skastro.datasets import fetch_sdss_colors

sdss = fetch_sdss_colors(as_frame=True)
X, y = sdss.data, sdss.target
print(X.head())
print(y.value_counts())

# %%
# Colours separate the classes
# ----------------------------
# :class:`~skastro.preprocessing.PhotometricColors` turns the magnitudes into
# the adjacent colours *u-g, g-r, r-i, i-z*. In the (u-g, g-r) plane, the
# quasars' blue *u-g* (the UV excess) sets them apart from the stellar locus
# and the galaxies.
from skastro.preprocessing import PhotometricColors

colors = PhotometricColors(bands=["u", "g", "r", "i", "z"])
colors.set_output(transform="pandas")
C = colors.fit_transform(X)
print(C.columns.tolist())

fig, ax = plt.subplots(figsize=(6, 5))
for name, colour in [("GALAXY", "C0"), ("STAR", "C2"), ("QSO", "C3")]:
    sel = (y == name).to_numpy()
    ax.scatter(C["u-g"][sel], C["g-r"][sel], s=3, alpha=0.4, c=colour, label=name)
ax.set(xlim=(-0.5, 4), ylim=(-0.5, 2.2), xlabel="u - g [mag]", ylabel="g - r [mag]")
ax.legend(markerscale=4)
ax.set_title("SDSS DR14: colour-colour diagram")

# %%
# Two pipelines: plain and imbalance-aware
# ----------------------------------------
# Both pipelines keep the *r* magnitude beside the colours (brightness
# matters: faint point sources are more often QSOs). The split is stratified,
# and every random number generator is seeded.
from imblearn.ensemble import BalancedRandomForestClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
models = {
    "random forest": RandomForestClassifier(
        n_estimators=100, min_samples_leaf=2, random_state=0, n_jobs=2
    ),
    "balanced random forest": BalancedRandomForestClassifier(
        n_estimators=100,
        sampling_strategy="all",
        replacement=True,
        bootstrap=False,
        random_state=0,
        n_jobs=2,
    ),
}
fitted = {}
for name, clf in models.items():
    model = make_pipeline(
        PhotometricColors(bands=["u", "g", "r", "i", "z"], keep_magnitudes=True),
        clf,
    )
    fitted[name] = model.fit(X_train, y_train)
    pred = model.predict(X_test)
    qso_recall = recall_score(y_test, pred, labels=["QSO"], average=None)[0]
    print(
        f"{name:>24}: balanced accuracy "
        f"{balanced_accuracy_score(y_test, pred):.3f}, QSO recall {qso_recall:.3f}"
    )

# %%
# Confusion matrices
# ------------------
# Rows are normalised to one: the diagonal is the recall of each class.
from sklearn.metrics import ConfusionMatrixDisplay

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
for ax, (name, model) in zip(axes, fitted.items()):
    ConfusionMatrixDisplay.from_estimator(
        model,
        X_test,
        y_test,
        normalize="true",
        values_format=".3f",
        cmap="Blues",
        colorbar=False,
        ax=ax,
    )
    ax.set_title(name)

# %%
# QSO recall against the decision threshold
# -----------------------------------------
# Calling an object a QSO when P(QSO) exceeds a threshold trades recall for
# precision. The argmax rule of ``predict`` is roughly a threshold of 1/2 to
# 1/3 on a three-class problem; a survey selecting QSO candidates for
# follow-up spectroscopy picks its own point on these curves.
from sklearn.metrics import precision_recall_curve

fig, ax = plt.subplots(figsize=(6, 4.5))
for (name, model), style in zip(fitted.items(), ["--", "-"]):
    qso = list(model.classes_).index("QSO")
    p_qso = model.predict_proba(X_test)[:, qso]
    precision, recall, thresholds = precision_recall_curve(y_test == "QSO", p_qso)
    ax.plot(thresholds, recall[:-1], "C3" + style, label=f"recall, {name}")
    ax.plot(thresholds, precision[:-1], "C0" + style, label=f"precision, {name}")
ax.set(xlabel="threshold on P(QSO)", ylabel="QSO recall / precision", ylim=(0, 1.02))
ax.legend(loc="lower left", fontsize="small")
ax.set_title("QSO selection: recall vs threshold")

plt.show()
# sphinx_gallery_thumbnail_number = 1
