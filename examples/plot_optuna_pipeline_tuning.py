"""
===========================================
Tuning a whole pipeline with Optuna
===========================================

A pipeline has hyper-parameters in every step: which colours
:class:`~skastro.preprocessing.PhotometricColors` forms, whether it keeps the
magnitudes, and the classifier's own. :func:`~skastro.model_selection.search_space`
supplies a default Optuna search space for every step, prefixed the
``set_params`` way, and :func:`~skastro.model_selection.tune` runs a study
stored in a SQLite file, so a search that is interrupted resumes where it
stopped. We tune a colour-based k-nearest-neighbours classifier of SDSS stars,
galaxies and quasars, then run the familiar
:class:`~sklearn.model_selection.GridSearchCV` on a comparable grid.
"""

# %%
# The pipeline and its search space
# ---------------------------------
import matplotlib.pyplot as plt
import numpy as np
import optuna
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skastro.datasets import fetch_sdss_colors
from skastro.model_selection import search_space, tune
from skastro.preprocessing import PhotometricColors

optuna.logging.set_verbosity(optuna.logging.WARNING)  # one line per trial is noise

from sklearn.model_selection import train_test_split

sdss = fetch_sdss_colors(as_frame=True)
# a stratified sample of 4,000 of the 10,000 objects keeps the example short
X, _, y, _ = train_test_split(
    sdss.data, sdss.target, train_size=4000, stratify=sdss.target, random_state=0
)
pipe = make_pipeline(
    PhotometricColors(bands=["u", "g", "r", "i", "z"]),
    StandardScaler(),
    KNeighborsClassifier(),
)
space = search_space(pipe)
for name, distribution in space.items():
    print(f"{name:>36}: {distribution}")

# %%
# A persistent study, interrupted and resumed
# -------------------------------------------
# The study lives in a SQLite file. The first call stops after 10 trials (as
# if the job had been killed); the second call, with the same storage and
# study name, finds those 10 and adds trials until the study holds 24.
import tempfile
from pathlib import Path
from time import perf_counter

from sklearn.model_selection import StratifiedKFold

workdir = Path(tempfile.mkdtemp(prefix="skastro_tuning_"))
storage = f"sqlite:///{workdir / 'sdss_knn.db'}"
cv = StratifiedKFold(3, shuffle=True, random_state=0)
common = dict(
    scoring="balanced_accuracy",
    cv=cv,
    storage=storage,
    study_name="sdss-knn",
    random_state=0,
)

start = perf_counter()
first = tune(pipe, X, y, n_trials=10, **common)
print(f"first call: {len(first.trials_run_)} trials, best {first.best_score_:.4f}")
result = tune(pipe, X, y, n_trials=24, **common)
optuna_seconds = perf_counter() - start
print(
    f"second call: {len(result.trials_run_)} new trials, {result.n_trials_} in "
    f"the study, best {result.best_score_:.4f} in {optuna_seconds:.1f} s"
)
print("best parameters:", result.best_params_)

# %%
# Optimisation history and parameter importance
# ---------------------------------------------
# The study object is a plain :class:`optuna.study.Study`: its trials and
# Optuna's own importance estimate (fANOVA) are there to inspect.
trials = [t for t in result.study_.trials if t.state.name == "COMPLETE"]
numbers = np.array([t.number for t in trials])
values = np.array([t.value for t in trials])
importances = optuna.importance.get_param_importances(
    result.study_,
    evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0),
)

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
ax0.plot(numbers, values, "o", alpha=0.6, label="trial")
ax0.plot(numbers, np.maximum.accumulate(values), "C3-", label="best so far")
ax0.axvline(9.5, color="0.5", ls="--", label="resumed here")
ax0.set(xlabel="trial", ylabel="balanced accuracy (3-fold CV)")
ax0.set_title("optimisation history")
ax0.legend(loc="lower right")
names = list(importances)[::-1]
ax1.barh([n.split("__", 1)[1] for n in names], [importances[n] for n in names])
ax1.set(xlabel="fANOVA importance", title="which parameters matter")

# %%
# The same with GridSearchCV
# --------------------------
# A grid over the same parameters (but the Minkowski ``p``, left at 2), with
# as many candidates as the study has trials, and the same folds. The grid
# cannot adapt to what it learns, but it is exhaustive over its points and
# needs no storage.
from sklearn.model_selection import GridSearchCV

grid = {
    "photometriccolors__pairs": ["adjacent", "all"],
    "photometriccolors__keep_magnitudes": [False, True],
    "kneighborsclassifier__n_neighbors": [3, 10, 30],
    "kneighborsclassifier__weights": ["uniform", "distance"],
}
start = perf_counter()
search = GridSearchCV(pipe, grid, scoring="balanced_accuracy", cv=cv).fit(X, y)
grid_seconds = perf_counter() - start
n_candidates = len(search.cv_results_["params"])
print(
    f"GridSearchCV: {n_candidates} candidates, best {search.best_score_:.4f} "
    f"in {grid_seconds:.1f} s"
)
print("best parameters:", search.best_params_)

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(
    np.maximum.accumulate(values), "C3-", label=f"Optuna TPE ({len(values)} trials)"
)
ax.plot(
    np.maximum.accumulate(search.cv_results_["mean_test_score"]),
    "C0-",
    label=f"GridSearchCV ({n_candidates} candidates)",
)
ax.set(xlabel="candidates evaluated", ylabel="best balanced accuracy so far")
ax.legend(loc="lower right")
ax.set_title("Optuna vs grid search")

plt.show()
