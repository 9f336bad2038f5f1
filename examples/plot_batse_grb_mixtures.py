"""
======================================================
Short and long gamma-ray bursts in the BATSE catalogue
======================================================

Gamma-ray bursts come in two kinds (Kouveliotou et al. 1993): *short* ones
(T90 < 2 s, mostly hard spectra, from neutron-star mergers) and *long* ones
(softer, from collapsing massive stars). T90 is the time over which 90 % of
the fluence arrives; the hardness ratio HR32 = F3 / F2 compares the fluence
in the 100-300 keV channel to the 50-100 keV one.

We look at the (log T90, log HR32) plane of the CGRO/BATSE catalogue, ask a
Gaussian mixture how many groups the data prefer by the Bayesian information
criterion (the "third, intermediate class" debate), and train
:class:`~skastro.mixture.GMMBayesClassifier`, a generative classifier with
one mixture per class, whose class priors can be changed without refitting.
"""

# %%
# The T90-hardness plane
# ----------------------
import matplotlib.pyplot as plt
import numpy as np

from skastro.datasets import fetch_batse_grb

grb = fetch_batse_grb()
print(grb.feature_names, grb.data.shape)
t90 = grb.data[:, grb.feature_names.index("T90")]
hr32 = grb.data[:, grb.feature_names.index("HR32")]

# the logarithm needs positive, finite values: say how many bursts lack them
ok = np.isfinite(t90) & np.isfinite(hr32) & (t90 > 0) & (hr32 > 0)
print(f"kept {ok.sum()} bursts; {np.count_nonzero(~ok)} without a usable T90 or HR32")
X = np.column_stack([np.log10(t90[ok]), np.log10(hr32[ok])])
y = grb.target[ok]  # 0 short, 1 long (T90 < 2 s)

fig, ax = plt.subplots(figsize=(6, 4.5))
for label, colour in [(0, "C0"), (1, "C1")]:
    sel = y == label
    ax.scatter(*X[sel].T, s=4, alpha=0.5, c=colour, label=grb.target_names[label])
ax.axvline(np.log10(2.0), color="0.4", ls="--", lw=1)
ax.set(xlabel="log10 T90 [s]", ylabel="log10 HR32 = F3 / F2")
ax.legend(markerscale=4)
ax.set_title("BATSE bursts: duration vs hardness")

# %%
# How many groups? Gaussian mixtures and the BIC
# ----------------------------------------------
# A lower BIC is better; it penalises each added component by the number of
# its parameters times log(N).
from sklearn.mixture import GaussianMixture

ks = np.arange(1, 5)
mixtures = [GaussianMixture(k, n_init=2, random_state=0).fit(X) for k in ks]
bic = np.array([m.bic(X) for m in mixtures])
for k, b in zip(ks, bic):
    print(f"{k} components: BIC {b:9.1f}")
print("BIC prefers", ks[np.argmin(bic)], "components")


def draw_ellipses(ax, mixture, colour):
    """The 1- and 2-sigma ellipses of every component."""
    from matplotlib.patches import Ellipse

    for mean, cov in zip(mixture.means_, mixture.covariances_):
        values, vectors = np.linalg.eigh(cov)
        angle = np.degrees(np.arctan2(vectors[1, -1], vectors[0, -1]))
        for n_sigma in (1, 2):
            width, height = 2 * n_sigma * np.sqrt(values[::-1])
            ax.add_patch(
                Ellipse(mean, width, height, angle=angle, fill=False, ec=colour)
            )


fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained")
axes[0].plot(ks, bic, "o-")
axes[0].set(xlabel="number of components", ylabel="BIC", title="model selection")
for ax, k in zip(axes[1:], (2, 3)):
    ax.scatter(*X.T, s=2, c="0.6")
    draw_ellipses(ax, mixtures[k - 1], "C3")
    ax.set(xlabel="log10 T90 [s]", ylabel="log10 HR32", title=f"{k} components")

# %%
# A generative classifier: GMMBayesClassifier
# -------------------------------------------
# Each class gets its own two-component mixture; Bayes' rule turns the
# densities into P(short | x). The labels come from the 2 s cut, so the
# classifier reproduces it where the classes are well separated; its value is
# the posterior, which says how ambiguous a burst near the boundary is, and
# the priors: with ``priors="uniform"`` the short class (a quarter of the
# catalogue) is not outvoted by the long one.
from sklearn.metrics import recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from skastro.mixture import GMMBayesClassifier

cv = StratifiedKFold(5, shuffle=True, random_state=0)
for priors in ("empirical", "uniform"):
    clf = GMMBayesClassifier(n_components=2, priors=priors, random_state=0)
    pred = cross_val_predict(clf, X, y, cv=cv)
    short, long = recall_score(y, pred, average=None)
    print(f"priors={priors:>9}: recall short {short:.3f}, long {long:.3f}")

clf = GMMBayesClassifier(n_components=2, priors="uniform", random_state=0).fit(X, y)
print("class priors:", clf.class_prior_)

xx, yy = np.meshgrid(np.linspace(-2, 3.2, 200), np.linspace(-1, 1.8, 200))
p_short = clf.predict_proba(np.column_stack([xx.ravel(), yy.ravel()]))[:, 0]

fig, ax = plt.subplots(figsize=(6, 4.5))
cs = ax.contourf(xx, yy, p_short.reshape(xx.shape), levels=11, cmap="coolwarm_r")
ax.contour(xx, yy, p_short.reshape(xx.shape), levels=[0.5], colors="k")
ax.scatter(*X.T, s=2, c="k", alpha=0.3)
ax.axvline(np.log10(2.0), color="0.9", ls="--", lw=1)
fig.colorbar(cs, label="P(short | T90, HR32)")
ax.set(xlabel="log10 T90 [s]", ylabel="log10 HR32", title="GMMBayesClassifier")

plt.show()
