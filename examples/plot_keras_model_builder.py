"""
===================================================
One Keras model builder, in skastro and in scikeras
===================================================

:mod:`skastro.neural` follows the conventions of scikeras: a network is
described by a plain *model builder*, a function ``build(meta,
compile_kwargs, **params)`` that returns a Keras model, and the builder's own
parameters are set on the estimator as routed parameters ``model__<name>``
(``optimizer__*``, ``compile__*``, ``fit__*`` and ``predict__*`` route to
the other destinations). skastro implements these conventions itself, so
scikeras is not needed; a builder written for scikeras's ``KerasClassifier``
runs unchanged as the ``model`` of :class:`~skastro.neural.KerasMLPClassifier`.

We write one builder for the SDSS star / galaxy / QSO colours, tune its
width with :class:`~sklearn.model_selection.GridSearchCV` through the routed
name ``model__hidden``, and, when scikeras is installed (``pip install
'skastro[interop]'``), train the same builder in scikeras's wrapper.
"""

# %%
# The builder
# -----------
# ``meta`` holds what the estimator learned from the data (scikeras's keys
# ``n_features_in_``, ``n_classes_``, ``classes_``, ``X_shape_``; skastro adds
# ``input_shape`` and ``dtype``); ``compile_kwargs`` the optimizer, loss and
# metrics of the estimator.
import numpy as np
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skastro.datasets import fetch_sdss_colors
from skastro.neural import KerasMLPClassifier


def build_mlp(meta, compile_kwargs, hidden=16):
    """Two dense layers of ``hidden`` units and a softmax over the classes."""
    import keras

    inputs = keras.Input((meta["n_features_in_"],))
    h = keras.layers.Dense(hidden, activation="relu")(inputs)
    h = keras.layers.Dense(hidden, activation="relu")(h)
    outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile(**compile_kwargs)
    return model


sdss = fetch_sdss_colors()
X_train, X_test, y_train, y_test = train_test_split(
    sdss.data, sdss.target, test_size=0.3, stratify=sdss.target, random_state=0
)

# %%
# In skastro: a routed parameter is a hyperparameter like any other
# -----------------------------------------------------------------
clf = KerasMLPClassifier(
    model=build_mlp, epochs=20, batch_size=64, learning_rate=3e-3, random_state=0
)
search = GridSearchCV(
    make_pipeline(StandardScaler(), clf),
    {"kerasmlpclassifier__model__hidden": [8, 32]},
    cv=3,
)
search.fit(X_train, y_train)
print("best:", search.best_params_)
print(f"skastro test accuracy: {search.score(X_test, y_test):.3f}")

# %%
# The same builder in scikeras
# ----------------------------
# scikeras is optional; its ``KerasClassifier`` takes the same builder and
# the same routed name.
try:
    from scikeras.wrappers import KerasClassifier
except ImportError:
    print("scikeras is not installed: pip install 'skastro[interop]'")
else:
    hidden = search.best_params_["kerasmlpclassifier__model__hidden"]
    theirs = make_pipeline(
        StandardScaler(),
        KerasClassifier(
            model=build_mlp,
            model__hidden=hidden,
            loss="sparse_categorical_crossentropy",
            optimizer="adam",
            optimizer__learning_rate=3e-3,
            epochs=20,
            batch_size=64,
            verbose=0,
            random_state=0,
        ),
    ).fit(X_train, y_train)
    print(f"scikeras test accuracy: {theirs.score(X_test, y_test):.3f}")
    agree = np.mean(theirs.predict(X_test) == search.predict(X_test))
    print(f"the two networks agree on {agree:.1%} of the test objects")

# %%
# The training curves of the best width
# -------------------------------------
# The fitted estimator keeps Keras's history: the loss and accuracy of every
# epoch on the training data (no validation part is held out without early
# stopping).
import matplotlib.pyplot as plt

best = search.best_estimator_[-1]
fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
ax.plot(best.history_["loss"], label="loss")
for name in best.history_:
    if name != "loss":
        ax.plot(best.history_[name], label=name)
hidden = search.best_params_["kerasmlpclassifier__model__hidden"]
ax.set(xlabel="epoch", title=f"model__hidden={hidden}")
ax.legend()
plt.show()
