"""
==================================================================
Real vs bogus ZTF detections: tuning the threshold of a rare class
==================================================================

A transient survey's difference images produce far more artefacts (bad
subtractions, cosmic rays, ghosts) than real astrophysical variables. The
classifier that screens them returns a probability; the default rule "real
when P(real) > 0.5" is rarely the best operating point when the class of
interest is rare.

The SNAD ZTF set holds 3,309 objects tagged by experts as artefact or real,
each described by 54 light-curve features. It is balanced by construction,
so we first draw a realistic stream in which real objects are only 10 %,
then let :class:`~sklearn.model_selection.TunedThresholdClassifierCV` choose
the threshold that maximises the F1 score of the rare class by
cross-validation, and compare both operating points on a held-out test set.
"""

# %%
# The data, made rare
# -------------------
import matplotlib.pyplot as plt
import numpy as np

from skastro.datasets import fetch_ztf_realbogus

rb = fetch_ztf_realbogus()
X, is_artefact = rb.data, rb.target
print(X.shape, dict(zip(rb.target_names, np.bincount(is_artefact))))

rng = np.random.default_rng(0)
real = np.flatnonzero(is_artefact == 0)
artefact = np.flatnonzero(is_artefact == 1)
n_real = len(artefact) // 9  # 10 % real among all kept objects
keep = np.concatenate([artefact, rng.choice(real, size=n_real, replace=False)])
X, y = X[keep], (is_artefact[keep] == 0).astype(int)  # 1 = real, the rare class
print(f"stream: {len(y)} objects, {y.mean():.1%} real")

# %%
# A random forest, two thresholds
# -------------------------------
# The threshold is tuned on the training set only (5-fold cross-validation);
# the test set judges both operating points.
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split

X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
base = RandomForestClassifier(n_estimators=150, random_state=0, n_jobs=2)
tuned = TunedThresholdClassifierCV(
    base, scoring="f1", cv=5, store_cv_results=True, random_state=0
)
tuned.fit(X_train, y_train)
default = tuned.estimator_  # the same model refitted, threshold 0.5

for name, pred in [
    ("threshold 0.5", default.predict(X_test)),
    (f"tuned threshold {tuned.best_threshold_:.2f}", tuned.predict(X_test)),
]:
    print(
        f"{name:>24}: F1 {f1_score(y_test, pred):.3f}, "
        f"precision {precision_score(y_test, pred):.3f}, "
        f"recall {recall_score(y_test, pred):.3f}"
    )

# %%
# The cross-validated F1 score against the threshold
# --------------------------------------------------
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(tuned.cv_results_["thresholds"], tuned.cv_results_["scores"], "C0")
ax.axvline(0.5, color="0.5", ls="--", label="default 0.5")
ax.axvline(
    tuned.best_threshold_, color="C3", label=f"tuned {tuned.best_threshold_:.2f}"
)
ax.set(xlabel="threshold on P(real)", ylabel="cross-validated F1 (real)")
ax.legend()
ax.set_title("Choosing the operating point")

# %%
# Both operating points on the test precision-recall curve
# --------------------------------------------------------
from sklearn.metrics import PrecisionRecallDisplay

fig, ax = plt.subplots(figsize=(5.5, 5))
PrecisionRecallDisplay.from_estimator(
    default, X_test, y_test, name="random forest", ax=ax
)
for name, model, marker in [
    ("threshold 0.5", default, "o"),
    ("tuned", tuned, "*"),
]:
    pred = model.predict(X_test)
    ax.plot(
        recall_score(y_test, pred),
        precision_score(y_test, pred),
        marker,
        ms=12,
        label=name,
    )
ax.axhline(y_test.mean(), color="0.6", ls=":", label="chance (prevalence)")
ax.legend(loc="lower left")
ax.set_title("Real detections in a 10 % stream")

plt.show()
