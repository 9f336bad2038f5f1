"""
========================================================
Radio galaxies FRI vs FRII with a convolutional network
========================================================

Fanaroff & Riley (1974) sorted radio galaxies by where they are brightest:
FRI sources are brightest near the core and fade along their jets, FRII
sources end in bright hot spots at the tips of their lobes. FR-DEEP
(Tang, Scaife & Leahy 2019) holds 600 labelled 150x150 cutouts of the FIRST
survey, with an official split of 550 training and 50 test images.

:class:`~skastro.neural.CNNClassifier` is a small Keras convolutional network
behind the scikit-learn interface. The sky has no preferred orientation, so a
flipped or rotated cutout is an equally valid radio galaxy: ``augment=True``
trains on such copies. We train with and without augmentation and compare the
learning curves recorded in ``history_``.
"""

# %%
# The images
# ----------
import matplotlib.pyplot as plt
import numpy as np

from skastro.datasets import fetch_frdeep

fr = fetch_frdeep(survey="first")
print(fr.data.shape, fr.target_names, np.bincount(fr.target))

# the central 70x70 pixels, square-root stretched to show the faint lobes
fig, axes = plt.subplots(2, 5, figsize=(11, 4.6), layout="constrained")
for row, label in zip(axes, (0, 1)):
    for ax, i in zip(row, np.flatnonzero(fr.target == label)[:5]):
        ax.imshow(
            np.sqrt(fr.data[i, 40:110, 40:110, 0]), cmap="inferno", origin="lower"
        )
        ax.set_axis_off()
    row[0].set_title(fr.target_names[label], loc="left")

# %%
# Training with and without augmentation
# --------------------------------------
# To keep this example fast on a laptop CPU the cutouts are binned 3x3 to
# 50x50 pixels first (the ``downsample`` parameter does the same inside the
# network, at a higher cost per epoch). A fifth of the training set is held
# out (stratified, seeded) to record the validation loss and accuracy after
# every epoch. The estimators hold out ``validation_fraction`` only when
# something reads it (early stopping, or a callback that asks for it):
# without either, every image trains the network. Here a callback asks, by
# its ``needs_validation_data`` attribute.
import keras

from skastro.neural import CNNClassifier


class ValidationCurves(keras.callbacks.Callback):
    """Asks the estimator for validation scores after every epoch."""

    needs_validation_data = True


n = len(fr.data)
X = fr.data.reshape(n, 50, 3, 50, 3, 1).mean(axis=(2, 4))
X_train, y_train = X[fr.train_index], fr.target[fr.train_index]
X_test, y_test = X[fr.test_index], fr.target[fr.test_index]

models = {}
for augment in (False, True):
    clf = CNNClassifier(
        conv_filters=(8, 16),
        dense_units=(32,),
        augment=augment,
        epochs=15,
        batch_size=32,
        validation_fraction=0.2,
        random_state=0,
    )
    models[augment] = clf.fit(X_train, y_train, callbacks=[ValidationCurves()])
    print(
        f"augment={augment!s:>5}: {clf.n_iter_} epochs, test accuracy "
        f"{clf.score(X_test, y_test):.2f} on the {len(y_test)} official test images"
    )

# %%
# Learning curves
# ---------------
# ``history_`` holds the per-epoch training and validation metrics. Without
# augmentation the training loss keeps falling while the validation loss
# stalls (the network memorises its 440 images); augmentation keeps the two
# closer. With 110 validation and 50 test images, differences of a few
# per cent are within the noise.
fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
for augment, clf in models.items():
    style = "-" if augment else "--"
    name = "augmented" if augment else "plain"
    epochs = np.arange(1, clf.n_iter_ + 1)
    axes[0].plot(epochs, clf.history_["loss"], "C0" + style, label=f"train, {name}")
    axes[0].plot(epochs, clf.history_["val_loss"], "C3" + style, label=f"val, {name}")
    axes[1].plot(epochs, clf.history_["accuracy"], "C0" + style, label=f"train, {name}")
    axes[1].plot(
        epochs, clf.history_["val_accuracy"], "C3" + style, label=f"val, {name}"
    )
axes[0].set(xlabel="epoch", ylabel="cross-entropy loss")
axes[1].set(xlabel="epoch", ylabel="accuracy")
axes[1].legend(fontsize="small")

# %%
# What the augmented network gets wrong
# -------------------------------------
clf = models[True]
proba = clf.predict_proba(X_test)[:, 1]
wrong = np.flatnonzero(clf.predict(X_test) != y_test)
print(f"{len(wrong)} misclassified test images")
if len(wrong):
    fig, axes = plt.subplots(
        1, len(wrong[:5]), figsize=(2.4 * len(wrong[:5]), 2.8), squeeze=False
    )
    for ax, i in zip(axes[0], wrong[:5]):
        ax.imshow(np.sqrt(X_test[i, 12:38, 12:38, 0]), cmap="inferno", origin="lower")
        ax.set_title(f"{fr.target_names[y_test[i]]}, P(FRII)={proba[i]:.2f}")
        ax.set_axis_off()

plt.show()
