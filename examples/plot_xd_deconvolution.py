"""
=========================================================
Extreme deconvolution of noisy stellar and quasar colours
=========================================================

A catalogue's colours are blurred by measurement errors that differ from
object to object: faint objects scatter far, bright ones hardly at all. A
Gaussian mixture fitted to the noisy colours models the blur along with the
astrophysics. Extreme deconvolution (Bovy, Hogg & Roweis 2011) fits the
*error-free* density instead, each object's own error covariance added to
every component in the likelihood; it is how SDSS-XDQSO selected quasars.

We take the stars and quasars of the SDSS DR14 sample, whose colours are
precise, and observe them as a survey about two magnitudes shallower would:
magnitude errors that grow with magnitude, so that the u-g and g-r errors of
an object are correlated through its g band. Then we compare
:class:`~skastro.mixture.XDGaussianMixture` with a plain
:class:`~sklearn.mixture.GaussianMixture`, and the generative classifiers
:class:`~skastro.mixture.XDGMMBayesClassifier` and
:class:`~skastro.mixture.GMMBayesClassifier`.
"""

# %%
# Precise colours, and the same objects observed by a shallower survey
# --------------------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from skastro.datasets import fetch_sdss_colors

sdss = fetch_sdss_colors()
names = list(sdss.target_names)
keep = np.isin(sdss.target, [names.index("STAR"), names.index("QSO")])
mags = sdss.data[keep]
y = (sdss.target[keep] == names.index("QSO")).astype(int)  # 1 = QSO
u, g, r = mags[:, 0], mags[:, 1], mags[:, 2]
truth = np.column_stack([u - g, g - r])

# magnitude errors of the shallower survey: 0.02 mag floor, 0.3 mag at 19.5
rng = np.random.default_rng(0)
sigma = 0.02 + 0.3 * 10 ** (0.4 * (mags[:, :3] - 19.5))
# colour error covariances: g enters both colours, with opposite signs
X_err = np.empty((len(y), 2, 2))
X_err[:, 0, 0] = sigma[:, 0] ** 2 + sigma[:, 1] ** 2
X_err[:, 1, 1] = sigma[:, 1] ** 2 + sigma[:, 2] ** 2
X_err[:, 0, 1] = X_err[:, 1, 0] = -(sigma[:, 1] ** 2)
noise = np.einsum("nab,nb->na", np.linalg.cholesky(X_err), rng.normal(size=truth.shape))
X = truth + noise
print(
    f"{len(y)} objects ({y.sum()} QSOs); u-g error from "
    f"{np.sqrt(X_err[:, 0, 0]).min():.2f} to {np.sqrt(X_err[:, 0, 0]).max():.2f} mag"
)

limits = dict(xlim=(-0.6, 3.2), ylim=(-0.6, 1.9))
fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharex=True, sharey=True)
for ax, data, title in [(axes[0], truth, "SDSS colours"), (axes[1], X, "observed")]:
    for label, colour, name in [(0, "C0", "star"), (1, "C3", "QSO")]:
        ax.scatter(*data[y == label].T, s=2, alpha=0.4, c=colour, label=name)
    ax.set(xlabel="u - g", title=title, **limits)
axes[0].set_ylabel("g - r")
axes[0].legend(markerscale=5)
fig.tight_layout()

# %%
# Deconvolved vs plain mixture
# ----------------------------
# Both mixtures get the same number of components. The plain one fits the
# noisy colours; the deconvolved one the colours before the errors. Samples
# drawn from each show what they believe the population looks like, and the
# mean log-density of the *precise* colours says which belief is closer.
from sklearn.mixture import GaussianMixture

from skastro.mixture import XDGaussianMixture

xd = XDGaussianMixture(6, random_state=0).fit(X, X_err=X_err)
gm = GaussianMixture(6, random_state=0).fit(X)
print(f"XD converged in {xd.n_iter_} iterations")
print(
    f"mean log-density of the precise colours: XD {xd.score(truth):.2f}, "
    f"plain GMM {gm.score(truth):.2f}"
)

fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharex=True, sharey=True)
for ax, model, title in [
    (axes[0], gm, "plain GaussianMixture: resampled"),
    (axes[1], xd, "XDGaussianMixture: resampled"),
]:
    ax.scatter(*model.sample(len(X))[0].T, s=2, alpha=0.4, c="0.3")
    ax.set(xlabel="u - g", title=title, **limits)
axes[0].set_ylabel("g - r")
fig.tight_layout()

# %%
# Classifying with each object's own errors
# -----------------------------------------
# :class:`~skastro.mixture.XDGMMBayesClassifier` fits one deconvolved mixture
# per class and, at prediction, adds each object's errors to the class
# densities: a precise measurement meets sharp densities, a noisy one broad
# ones. The errors are metadata; in a pipeline or a cross-validation they are
# routed with ``set_fit_request(X_err=True)`` and
# ``set_predict_proba_request(X_err=True)``.
import sklearn
from sklearn.metrics import balanced_accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skastro.mixture import GMMBayesClassifier, XDGMMBayesClassifier

idx_train, idx_test = train_test_split(
    np.arange(len(y)), test_size=0.5, stratify=y, random_state=0
)
with sklearn.config_context(enable_metadata_routing=True):
    xd_clf = make_pipeline(
        FunctionTransformer(),  # any step that keeps the colours as they are
        XDGMMBayesClassifier(3, priors="uniform", random_state=0)
        .set_fit_request(X_err=True)
        .set_predict_proba_request(X_err=True),
    )
    xd_clf.fit(X[idx_train], y[idx_train], X_err=X_err[idx_train])
    proba_xd = xd_clf.predict_proba(X[idx_test], X_err=X_err[idx_test])[:, 1]
gm_clf = GMMBayesClassifier(3, priors="uniform", random_state=0)
proba_gm = gm_clf.fit(X[idx_train], y[idx_train]).predict_proba(X[idx_test])[:, 1]

y_test = y[idx_test]
for name, proba in [("XDGMMBayes", proba_xd), ("GMMBayes", proba_gm)]:
    print(
        f"{name:>10}: log-loss {log_loss(y_test, proba):.3f}, balanced "
        f"accuracy {balanced_accuracy_score(y_test, proba > 0.5):.3f}"
    )

fig, ax = plt.subplots(figsize=(5, 4))
sc = ax.scatter(*X[idx_test].T, c=proba_xd, s=4, cmap="coolwarm", vmin=0, vmax=1)
fig.colorbar(sc, label="P(QSO | colours, errors)")
ax.set(xlabel="u - g", ylabel="g - r", title="XDGMMBayesClassifier", **limits)
fig.tight_layout()
plt.show()
