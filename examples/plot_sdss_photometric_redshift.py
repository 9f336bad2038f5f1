"""
=====================================================
Photometric redshifts of SDSS galaxies with a network
=====================================================

A spectrum gives a galaxy's redshift to better than 0.001, but only a small
fraction of the galaxies in an imaging survey get one. The rest have five
magnitudes *u, g, r, i, z*, and their redshift must be inferred from the
colours: the photometric redshift (photo-z). With a spectroscopic sample as
training set this is a regression problem.

We compare a random forest with :class:`~skastro.neural.KerasMLPRegressor`
in its photo-z configuration: a Gaussian output head trained by negative
log-likelihood, which predicts a standard deviation for every galaxy. Photo-z
quality is measured, as in the literature, by the normalised median absolute
deviation

.. math::

    \\sigma_\\mathrm{NMAD} = 1.4826\\,\\mathrm{median}\\left(
    \\frac{|\\Delta z - \\mathrm{median}(\\Delta z)|}{1 + z_\\mathrm{spec}}
    \\right), \\qquad \\Delta z = z_\\mathrm{phot} - z_\\mathrm{spec},

and by the fraction of outliers, :math:`|\\Delta z| / (1 + z_\\mathrm{spec})
> 0.15`.
"""

# %%
# The data
# --------
# :func:`~skastro.datasets.fetch_sdss_colors` holds the spectroscopic
# redshift of each object. The features are the adjacent colours and the *r*
# magnitude, from :class:`~skastro.preprocessing.PhotometricColors`.
import matplotlib.pyplot as plt
import numpy as np

from skastro.datasets import fetch_sdss_colors
from skastro.preprocessing import PhotometricColors

sdss = fetch_sdss_colors(as_frame=True)
colours = PhotometricColors(bands=list("ugriz"), keep_magnitudes=True)
features = colours.set_output(transform="pandas").fit_transform(sdss.data)
X_all = features[["u-g", "g-r", "r-i", "i-z", "r"]].to_numpy()
galaxy = (sdss.target == "GALAXY").to_numpy()
quasar = (sdss.target == "QSO").to_numpy()
print(f"{galaxy.sum()} galaxies, {quasar.sum()} quasars")


def sigma_nmad(z_phot, z_spec):
    """1.4826 median(|dz - median(dz)| / (1 + z_spec)), dz = z_phot - z_spec."""
    dz = z_phot - z_spec
    return 1.4826 * np.median(np.abs(dz - np.median(dz)) / (1 + z_spec))


def outlier_fraction(z_phot, z_spec):
    """Fraction of |dz| / (1 + z_spec) > 0.15."""
    return np.mean(np.abs(z_phot - z_spec) / (1 + z_spec) > 0.15)


# %%
# The two regressors
# ------------------
# The network is the photo-z configuration of the user guide: two hidden
# layers of 64 units, the Gaussian head (``loss="gaussian_nll"``), 100
# epochs of batches of 256, the other parameters at their defaults; the
# features are standardised first. The redshifts are standardised inside the
# estimator, so the default learning rate suits them. Both models are
# evaluated by 5-fold cross-validation.
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skastro.neural import KerasMLPRegressor


def photoz_mlp():
    return make_pipeline(
        StandardScaler(),
        KerasMLPRegressor(
            (64, 64),
            loss="gaussian_nll",
            epochs=100,
            batch_size=256,
            random_state=0,
        ),
    )


def cross_validated(mask):
    """Out-of-fold redshifts: the forest's, the network's mean and std."""
    X, z = X_all[mask], sdss.redshift[mask]
    forest, mlp, std = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    for train, test in KFold(5, shuffle=True, random_state=0).split(X):
        rf = RandomForestRegressor(300, min_samples_leaf=3, random_state=0, n_jobs=2)
        forest[test] = rf.fit(X[train], z[train]).predict(X[test])
        reg = photoz_mlp().fit(X[train], z[train])
        mlp[test], std[test] = reg.predict(X[test], return_std=True)
    return z, forest, mlp, std


def report(name, z, forest, mlp):
    for model, z_phot in [("random forest", forest), ("KerasMLPRegressor", mlp)]:
        print(
            f"{name:9s} {model:18s} sigma_NMAD = {sigma_nmad(z_phot, z):.4f}, "
            f"outliers = {100 * outlier_fraction(z_phot, z):.1f} %"
        )


z, forest, mlp, std = cross_validated(galaxy)
report("galaxies", z, forest, mlp)

# %%
# Photometric against spectroscopic redshift
# ------------------------------------------
# Both models follow the diagonal up to z of about 0.3, where most of the
# galaxies are; the network's scatter is slightly smaller (sigma_NMAD 0.0156
# against the forest's 0.0164, 0.3 % and 0.4 % outliers).
fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), sharex=True, sharey=True)
for ax, (model, z_phot) in zip(
    axes, [("random forest", forest), ("KerasMLPRegressor", mlp)]
):
    ax.scatter(z, z_phot, s=2, alpha=0.3)
    ax.plot([0, 0.6], [0, 0.6], c="k", lw=0.8)
    ax.set(
        xlim=(0, 0.6),
        ylim=(0, 0.6),
        xlabel="spectroscopic z",
        title=f"{model}: $\\sigma_{{NMAD}}$ = {sigma_nmad(z_phot, z):.4f}",
    )
axes[0].set_ylabel("photometric z")
fig.tight_layout()

# %%
# Is the predicted uncertainty right?
# -----------------------------------
# If the predicted std is calibrated, the normalised residuals
# :math:`(z_\mathrm{spec} - z_\mathrm{phot}) / \sigma` are close to a
# standard normal, and a fraction :math:`\mathrm{erf}(k / \sqrt 2)` of the
# galaxies lies within ``k`` predicted std (68.3 % for k = 1). The tails of
# photo-z errors are heavier than a Gaussian's: a few galaxies lie further
# out than the Gaussian allows.
from scipy.special import erf

k = np.linspace(0, 3, 61)
inside = [np.mean(np.abs(z - mlp) <= kk * std) for kk in k]
print(f"within 1 std: {np.mean(np.abs(z - mlp) <= std):.3f} (Gaussian: 0.683)")

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
axes[0].plot(k, inside, label="KerasMLPRegressor")
axes[0].plot(k, erf(k / np.sqrt(2)), "k--", label="Gaussian")
axes[0].set(xlabel="k [predicted std]", ylabel="fraction within k std")
axes[0].legend()
grid = np.linspace(-5, 5, 201)
axes[1].hist((z - mlp) / std, bins=grid[::4], density=True, alpha=0.6)
axes[1].plot(grid, np.exp(-0.5 * grid**2) / np.sqrt(2 * np.pi), "k--")
axes[1].set(xlabel="(z_spec - z_phot) / predicted std", ylabel="density")
fig.tight_layout()

# %%
# The predicted std also ranks the galaxies: the quarter with the smallest
# std (median 0.011) has a scatter of 0.010, the quarter with the largest
# (median 0.025) one of 0.025.
quartile = np.digitize(std, np.quantile(std, [0.25, 0.5, 0.75]))
for q in range(4):
    sel = quartile == q
    print(
        f"std quartile {q + 1}: median std {np.median(std[sel]):.4f}, "
        f"sigma_NMAD {sigma_nmad(mlp[sel], z[sel]):.4f}"
    )

# %%
# Quasars
# -------
# Quasars are harder: their redshifts reach 5, their colours are dominated
# by emission lines moving through the filters, and the same colours occur
# at several redshifts. The same models, trained on the 850 quasars only
# (680 per fold), have a scatter five times larger and a quarter or more of
# outliers. Here the forest is the better model: the network's configuration
# was chosen for 4,000 galaxies, and on 680 quasars its 100 epochs of
# batches of 256 are only 300 gradient steps. Its predicted std is still
# large where the colours are ambiguous.
zq, forest_q, mlp_q, std_q = cross_validated(quasar)
report("quasars", zq, forest_q, mlp_q)
print(f"quasars within 1 std: {np.mean(np.abs(zq - mlp_q) <= std_q):.3f}")

fig, ax = plt.subplots(figsize=(5.5, 5))
ax.errorbar(zq, mlp_q, yerr=std_q, fmt=".", ms=3, alpha=0.4, elinewidth=0.5)
ax.plot([0, 5], [0, 5], c="k", lw=0.8)
ax.set(
    xlabel="spectroscopic z",
    ylabel="photometric z (KerasMLPRegressor, 1 std)",
    title="SDSS quasars",
)
plt.show()
