"""
==============================================
Bazin and Villar fits of ZTF supernovae
==============================================

Supernova light curves are well described by a few-parameter shape: a
sigmoid rise and an exponential decline (Bazin et al. 2009), with, in the
model of Villar et al. (2019), a linear plateau between them for the
hydrogen-rich supernovae. :class:`~skastro.lightcurve.LightCurveFeatures`
with ``features="transient"`` fits both models to every band of every light
curve, and to all bands at once with shared time parameters, in one
compiled batch, and returns the fitted parameters, their uncertainties and
the reduced chi-square as features.

We fit two ZTF sets: supernovae of several types
(:func:`~skastro.datasets.fetch_ztf_sne`) and type Ia supernovae of the
Bright Transient Survey (:func:`~skastro.datasets.fetch_ztf_snia`). The
models describe *fluxes*; the ZTF light curves give magnitudes, so we
convert them first.
"""

# %%
# Magnitudes to fluxes
# --------------------
# The ZTF magnitudes are AB magnitudes; the flux in micro-Jansky is
# :math:`f = 10^{-0.4 (m - 23.9)}` and its error, to first order,
# :math:`\delta_f = 0.4 \ln 10 \, f \, \delta_m`.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skastro.datasets import fetch_ztf_sne, fetch_ztf_snia
from skastro.lightcurve import LightCurveFeatures, from_long_table

sne = fetch_ztf_sne()
alerts = sne.detections[["objectId", "mjd", "fid", "magpsf", "sigmapsf"]].copy()
alerts["band"] = alerts["fid"].map({1: "g", 2: "r"})
alerts["flux"] = 10 ** (-0.4 * (alerts["magpsf"] - 23.9))  # uJy
alerts["flux_err"] = 0.4 * np.log(10) * alerts["flux"] * alerts["sigmapsf"]
curves = from_long_table(
    alerts, id="objectId", time="mjd", mag="flux", err="flux_err", band="band"
)
labels = dict(zip(sne.ids, sne.target_names[sne.target]))
y = np.array([labels[i] for i in curves.ids])
print(curves)

# %%
# Fitting both models to every band
# ---------------------------------
# One call fits the 2 bands of the 30 supernovae. A band with fewer points
# than the model has parameters + 1 (6 for Bazin, 8 for Villar) gets NaN.
# Every parameter comes with its 1-sigma uncertainty (``*_err``).
lcf = LightCurveFeatures(features="transient", bands=["g", "r"])
lcf.set_output(transform="pandas")
F = lcf.fit_transform(curves)
print(F.shape[1], "features, e.g.", list(F.columns[:6]))
print(
    F[["bazin_rise_time_r", "bazin_fall_time_r", "bazin_reduced_chi2_r"]]
    .assign(type=y)
    .groupby("type")
    .median()
    .round(2)
)


# %%
# Fitted curves per band
# ----------------------
# One supernova of each class (picked at random among those with enough
# points), its fluxes and the fitted Bazin (solid) and Villar (dashed)
# curves in each band.
def bazin(t, p):
    dt = t - p["t0"]
    return (
        p["amplitude"]
        * np.exp(-dt / p["fall_time"])
        / (1 + np.exp(-dt / p["rise_time"]))
        + p["baseline"]
    )


def villar(t, p):
    dt = t - p["t0"]
    nu, gamma = p["plateau_rel_amplitude"], p["plateau_duration"]
    rise = p["amplitude"] * 0.5 * (1 + np.tanh(dt / (2 * p["rise_time"])))
    shape = np.where(
        dt < gamma,
        1 - nu * dt / gamma,
        (1 - nu) * np.exp(-(dt - gamma) / p["fall_time"]),
    )
    return p["baseline"] + rise * shape


def params(row, model, band):
    prefix, suffix = f"{model}_", f"_{band}"
    return {
        c[len(prefix) : -len(suffix)]: row[c]
        for c in row.index
        if c.startswith(prefix) and c.endswith(suffix)
    }


rng = np.random.default_rng(0)
fitted = F[["villar_amplitude_g", "villar_amplitude_r"]].notna().all(axis=1).values
fig, axes = plt.subplots(1, 4, figsize=(14, 3.4), layout="constrained")
for ax, kind in zip(axes, ["SNIa", "SNIbc", "SNII", "SLSN"]):
    candidates = np.flatnonzero((y == kind) & fitted)
    if candidates.size == 0:
        candidates = np.flatnonzero(y == kind)
    i = int(rng.choice(candidates))
    lc, row = curves[i], F.iloc[i]
    grid = np.linspace(lc["time"].min() - 10, lc["time"].max() + 10, 400)
    for band, colour in [("g", "C2"), ("r", "C3")]:
        sel = lc["band"] == band
        ax.errorbar(
            lc["time"][sel],
            lc["mag"][sel],
            lc["err"][sel],
            fmt="o",
            ms=3,
            color=colour,
            label=band,
        )
        ax.plot(grid, bazin(grid, params(row, "bazin", band)), color=colour)
        ax.plot(grid, villar(grid, params(row, "villar", band)), "--", color=colour)
    ax.set(xlabel="MJD", ylabel="flux (uJy)", title=f"{kind}: {curves.ids[i]}")
axes[0].legend()


# %%
# One shape shared by the bands
# -----------------------------
# With several bands, ``features="transient"`` also fits each model to all
# bands at once (groups ``bazin_multiband`` and ``villar_multiband``): the
# reference time and time scales (and Villar's plateau) are shared, each
# band has its own amplitude and baseline. A band too sparse for a fit of
# its own borrows the shape of the others. The supernova with the fewest g
# points (at least 3) among those the shared Villar fit reaches: per-band Villar fits
# (dashed, where the band has enough points) and the shared fit (solid).
def shared(row, model, band):
    prefix = f"{model}_multiband_"
    p = {
        c[len(prefix) :]: row[c]
        for c in row.index
        if c.startswith(prefix) and "_err" not in c
    }
    p["amplitude"], p["baseline"] = p[f"amplitude_{band}"], p[f"baseline_{band}"]
    return p


n_g = np.array([np.sum(curves[i]["band"] == "g") for i in range(len(curves))])
reached = F["villar_multiband_t0"].notna().values & (n_g >= 3)
i = int(np.flatnonzero(reached)[np.argmin(n_g[reached])])
lc, row = curves[i], F.iloc[i]
grid = np.linspace(lc["time"].min() - 10, lc["time"].max() + 10, 400)
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
for band, colour in [("g", "C2"), ("r", "C3")]:
    sel = lc["band"] == band
    ax.errorbar(lc["time"][sel], lc["mag"][sel], lc["err"][sel], fmt="o", color=colour)
    ax.plot(grid, villar(grid, shared(row, "villar", band)), color=colour, label=band)
    if np.isfinite(row[f"villar_t0_{band}"]):
        ax.plot(grid, villar(grid, params(row, "villar", band)), "--", color=colour)
ax.set(
    xlabel="MJD",
    ylabel="flux (uJy)",
    title=f"{y[i]} {curves.ids[i]}: {n_g[i]} g points",
)
ax.legend()
print(
    "shared Villar fit:",
    row[[f"villar_multiband_{p}" for p in ("t0", "rise_time", "fall_time")]]
    .round(2)
    .to_dict(),
)

# %%
# Rise and decline times by class
# -------------------------------
# The fitted time scales separate the classes: the superluminous supernovae
# fade slowest, and the plateau of the type II supernovae, which the Bazin
# model lacks, shows as a long rise time. The uncertainties (``*_err``) come
# from the inverse normal matrix of the fit and are not rescaled by the
# reduced chi-square.
fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
for k, kind in enumerate(["SNIa", "SNIbc", "SNII", "SLSN"]):
    sel = (y == kind) & F["bazin_reduced_chi2_r"].notna().values
    ax.scatter(
        F.loc[sel, "bazin_rise_time_r"],
        F.loc[sel, "bazin_fall_time_r"],
        color=f"C{k}",
        label=kind,
    )
ax.set(xscale="log", yscale="log", xlabel="rise time r (d)", ylabel="fall time r (d)")
ax.legend()

# %%
# Type Ia supernovae of the Bright Transient Survey
# -------------------------------------------------
# :func:`~skastro.datasets.fetch_ztf_snia` gives 2,289 SNe Ia light curves.
# The data set names three bands, but the light curves are g and r (one
# object has a single i point), so we fit those two. We take the 300
# best-sampled SNe Ia (most points), convert them to fluxes as above, fit
# them in one call, and draw the per-band Bazin fits of the four with the
# most points. Their median time scales:
snia = fetch_ztf_snia()
best = np.argsort([-len(d) for d in snia.data], kind="stable")[:300]
rows = []
for i in best:
    t, m, e, b = snia.data[i].T
    flux = 10 ** (-0.4 * (m - 23.9))
    rows.append(
        np.column_stack([np.full(t.size, i), t, flux, 0.4 * np.log(10) * flux * e, b])
    )
table = np.concatenate(rows)
table = table[table[:, 4] != 2]  # the lone i point
ia_alerts = {
    "id": np.asarray(snia.ids)[table[:, 0].astype(int)],
    "time": table[:, 1],
    "flux": table[:, 2],
    "flux_err": table[:, 3],
    "band": np.asarray(snia.bands)[table[:, 4].astype(int)],
}
ia_curves = from_long_table(
    pd.DataFrame(ia_alerts),
    id="id",
    time="time",
    mag="flux",
    err="flux_err",
    band="band",
)
ia_lcf = LightCurveFeatures(features="transient", bands=["g", "r"])
ia_lcf.set_output(transform="pandas")
F_ia = ia_lcf.fit_transform(ia_curves)
print(
    F_ia[[f"bazin_{p}_{b}" for p in ("rise_time", "fall_time") for b in "gr"]]
    .median()
    .round(2)
)

fig, axes = plt.subplots(1, 4, figsize=(14, 3.4), layout="constrained")
position = {obj: k for k, obj in enumerate(ia_curves.ids)}
for ax, obj in zip(axes, np.asarray(snia.ids)[best[:4]]):
    i = position[obj]
    lc, row = ia_curves[i], F_ia.iloc[i]
    grid = np.linspace(lc["time"].min() - 10, lc["time"].max() + 10, 400)
    for band, colour in [("g", "C2"), ("r", "C3")]:
        sel = lc["band"] == band
        ax.errorbar(
            lc["time"][sel],
            lc["mag"][sel],
            lc["err"][sel],
            fmt="o",
            ms=3,
            color=colour,
            label=band,
        )
        ax.plot(grid, bazin(grid, params(row, "bazin", band)), color=colour)
    ax.set(xlabel="MJD", ylabel="flux (uJy)", title=f"SN Ia: {ia_curves.ids[i]}")
axes[0].legend()

plt.show()
