"""
=================================================
Multi-band ZTF supernovae from an alert table
=================================================

Alert brokers deliver photometry as a *long table*: one row per detection,
with the object identifier, the time, the band and the magnitude, all objects
mixed together. :func:`~skastro.lightcurve.from_long_table` groups such a
table into light curves that scikit-learn can index (so cross-validation
splits objects, not rows), and :class:`~skastro.lightcurve.LightCurveFeatures`
computes per-band features and the colours between bands.

We start from the raw ZTF alert photometry of 30 supernovae classified by
the ALeRCE broker, then take the colour of 2,289 type Ia supernovae of the
ZTF Bright Transient Survey at maximum light, and find the classic "redder
is fainter" relation that makes SNe Ia standardisable candles.
"""

# %%
# The alert table
# ---------------
# 784 detections of 30 supernovae, with every column of a ZTF alert packet.
# ``fid`` is the ZTF filter: 1 for g, 2 for r.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skastro.datasets import fetch_ztf_sne

sne = fetch_ztf_sne()
alerts = sne.detections[["objectId", "mjd", "fid", "magpsf", "sigmapsf"]].copy()
alerts["band"] = alerts["fid"].map({1: "g", 2: "r"})
print(f"{sne.detections.shape[1]} alert columns; the five used here:")
print(alerts.head())

# %%
# From rows to light curves
# -------------------------
from skastro.lightcurve import LightCurveFeatures, from_long_table

curves = from_long_table(
    alerts, id="objectId", time="mjd", mag="magpsf", err="sigmapsf", band="band"
)
print(curves)
labels = dict(zip(sne.ids, sne.target_names[sne.target]))
y = np.array([labels[i] for i in curves.ids])

fig, axes = plt.subplots(1, 4, figsize=(14, 3.4), layout="constrained", sharey=False)
for ax, kind in zip(axes, ["SNIa", "SNIbc", "SNII", "SLSN"]):
    lc = curves[int(np.flatnonzero(y == kind)[0])]
    t0 = lc["time"][np.argmin(lc["mag"])]
    for band, colour in [("g", "C2"), ("r", "C3")]:
        sel = lc["band"] == band
        ax.errorbar(
            lc["time"][sel] - t0,
            lc["mag"][sel],
            lc["err"][sel],
            fmt="o",
            ms=3,
            color=colour,
            label=band,
        )
    ax.invert_yaxis()
    ax.set(xlabel="days from maximum", ylabel="magnitude", title=kind)
axes[0].legend()

# %%
# Per-band features and colours
# -----------------------------
# With the bands ``["g", "r"]`` every feature is computed per band (suffix
# ``_g``, ``_r``) and the colours between consecutive bands are added:
# ``color_g_r_mean``, ``color_g_r_median`` and ``color_g_r_max`` (the colour
# at maximum brightness of each band). An object seen in one band only gets
# NaN for its colours.
features = LightCurveFeatures(features="fast", bands=["g", "r"])
features.set_output(transform="pandas")
F = features.fit_transform(curves)
colour_columns = [c for c in F.columns if c.startswith("color_")]
print(F.shape[1], "features, of which", colour_columns)
summary = F[colour_columns].assign(type=y).groupby("type").median()
print(summary.round(2))

fig, ax = plt.subplots(figsize=(6, 4))
rng = np.random.default_rng(0)  # horizontal jitter only
kinds = ["SNIa", "SNIbc", "SNII", "SLSN"]
for k, kind in enumerate(kinds):
    values = F["color_g_r_median"][y == kind]
    ax.plot(k + rng.uniform(-0.15, 0.15, len(values)), values, "o", alpha=0.7)
ax.set_xticks(range(len(kinds)), kinds)
ax.set(ylabel="median g - r [mag]", title="ALeRCE supernovae: colour by type")

# %%
# Colour at maximum of 2,289 SNe Ia
# ---------------------------------
# The Bright Transient Survey light curves come as a long table too. Only g
# and r are used (a single object has one i-band point). The BTS metadata
# give each supernova's peak absolute magnitude; a missing value is written
# ``-`` and becomes NaN.
from skastro.datasets import fetch_ztf_snia

snia = fetch_ztf_snia(as_frame=True)
table = snia.frame[snia.frame["band"].isin(["g", "r"])]
print(f"dropped {len(snia.frame) - len(table)} i-band point(s)")
curves_ia = from_long_table(
    table, id="id", time="time", mag="mag", err="err", band="band"
)
colours = LightCurveFeatures(
    features=["n_obs", "color_max", "color_median"], bands=["g", "r"]
).set_output(transform="pandas")
C = colours.fit_transform(curves_ia)

meta = snia.metadata.set_index("ZTFID").loc[curves_ia.ids]
peak_abs = pd.to_numeric(meta["peakabs"], errors="coerce").to_numpy()
colour = C["color_g_r_max"].to_numpy()
good = (
    np.isfinite(peak_abs)
    & np.isfinite(colour)
    & (C["n_obs_g"] >= 5).to_numpy()
    & (C["n_obs_r"] >= 5).to_numpy()
)
print(
    f"{good.sum()} of {len(C)} SNe Ia with a peak magnitude and >= 5 points "
    "in each band"
)

# %%
# Redder is fainter
# -----------------
# A robust (Huber) line through peak absolute magnitude against g - r at
# maximum. Dust reddens and dims a supernova at once, and intrinsically
# redder SNe Ia are fainter; correcting for this slope is half of what makes
# SNe Ia standardisable candles (the other half is the light-curve width).
from sklearn.linear_model import HuberRegressor

line = HuberRegressor().fit(colour[good, None], peak_abs[good])
print(f"slope {line.coef_[0]:.2f} mag per mag of g - r")
print(f"Pearson r = {np.corrcoef(colour[good], peak_abs[good])[0, 1]:.2f}")

fig, ax = plt.subplots(figsize=(6, 4.5))
ax.scatter(colour[good], peak_abs[good], s=4, alpha=0.4)
grid = np.linspace(-0.4, 0.8, 2)
ax.plot(grid, line.predict(grid[:, None]), "C3", label="Huber fit")
ax.set(xlim=(-0.5, 1.0), ylim=(-17, -20.5))
ax.set(xlabel="g - r at maximum [mag]", ylabel="peak absolute magnitude")
ax.legend()
ax.set_title("ZTF BTS SNe Ia: redder is fainter")

plt.show()
