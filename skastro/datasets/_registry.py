"""The registry of remote files: folder, origin URL and SHA-256 of every file.

Every file a loader reads is listed in :data:`REMOTE_FILES` with the folder it
lives in, its URL at the pinned commit of its public origin (see each
folder's ``SOURCE.txt``) and its SHA-256.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

__all__ = ["FRDEEP_ORIGINS", "REMOTE_FILES", "RemoteFile"]


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set: where it lives in the cache and at its origin.

    ``url`` is ``None`` for a file that its origin does not publish as one
    file (a lossless conversion made when the data set was assembled); such a
    file is downloaded only from a mirror (``SKASTRO_DATA_URL``) or rebuilt
    by its loader from the origin files. ``alt_sha256`` lists the SHA-256 of
    other byte-exact encodings of the same content that such a loader may
    write instead (see ``skastro.datasets._frdeep``); a cached file is
    accepted with any of them.
    """

    folder: str
    filename: str
    url: str | None
    sha256: str
    alt_sha256: tuple[str, ...] = ()

    @property
    def accepted_sha256(self) -> tuple[str, ...]:
        """Every SHA-256 a cached copy of this file may have."""
        return (self.sha256, *self.alt_sha256)


def _raw(repo: str, commit: str, path: str) -> str:
    return (
        f"https://raw.githubusercontent.com/{repo}/{commit}/{urllib.parse.quote(path)}"
    )


_SDSS = (
    "lydiahsu/Intro_Data_Science_Fall_2018",
    "e3f8d8e46d689947416f50fd15da3233c87da36d",
)
_BATSE = ("JamesPaynter/PyGRB", "568db3ea6a5c65dcd8e076f33b62771f02bb38e9")
_ASAS = ("cesium-ml/cesium-data", "2ad85e77b6c1fea00124e055cedbc45181e9f6ba")
_ALERCE = ("alercebroker/lc_classifier", "b8a85200ed5764cebd9288a935da2e7943b252a4")
_BTS = ("light-curve/test-data", "3c8d9877643b881ec6fb6bb41fbe0fc8677b96db")
_SNAD = ("snad-space/ztf_real_bogus_clf", "fabc3eb3d685b7e100342ad4295914bdadd6d7d7")
_FRDEEP = ("HongmingTang060313/FR-DEEP", "b01744e102c61a63cc76211f98b65e3531ffb5c7")


def _entries() -> dict[tuple[str, str], RemoteFile]:
    rows = [
        (
            "sdss_dr14_skyserver_10k",
            "skyserver_dr14_10k.csv",
            _raw(*_SDSS, "data/Skyserver_SQL2_27_2018 6_51_39 PM.csv"),
            "15d44ee8ed234ae46a0ddb25af0921798798cf48d79f26d614dbb519cb6d8acc",
        ),
        (
            "batse_grb",
            "duration_table_5b.txt",
            _raw(*_BATSE, "extra/duration_table_5b.txt"),
            "6f972ae4fbbc9fc026b240614893fca0b062a53f35a7d93ee83b210a0d982718",
        ),
        (
            "batse_grb",
            "flux_table_4b.txt",
            _raw(*_BATSE, "extra/flux_table_4b.txt"),
            "490f09f10ab11346b49be093b8ac9797e2bd0568e05396e7f6f932e17f91836a",
        ),
        (
            "batse_grb",
            "flux_table_5b.txt",
            _raw(*_BATSE, "extra/flux_table_5b.txt"),
            "366afa9c93e475cc829aaab0daa5b24c352bfdaf424b09807c3d80bc85744739",
        ),
        (
            "asas_training",
            "asas_training_set.tar.gz",
            _raw(*_ASAS, "asas_training/asas_training_set.tar.gz"),
            "6c66c4435b03576a3b20416fac9b7b9453d2a9189e1af745733816a0715e08fd",
        ),
        (
            "asas_training",
            "asas_training_set_classes.dat",
            _raw(*_ASAS, "asas_training/asas_training_set_classes.dat"),
            "572f628cccf3ce529326c085034ed310c79503fba3a9ac2447e2959ae540d85f",
        ),
        (
            "alerce_ztf_30sne",
            "30_sne_detections_corr.csv",
            _raw(*_ALERCE, "data_examples/30_sne_detections_corr.csv"),
            "35dc54b2e5cbfad64ba8c41649759a3e45f9754cada8e416c422a7b1f674d260",
        ),
        (
            "alerce_ztf_30sne",
            "30_sne_labels.csv",
            _raw(*_ALERCE, "data_examples/30_sne_labels.csv"),
            "b8b446c81ed6c273c2b3ce21639cbf7d69c3295abeed2daeae523c0113cb3369",
        ),
        (
            "alerce_ztf_30sne",
            "30_sne_non_detections.csv",
            _raw(*_ALERCE, "data_examples/30_sne_non_detections.csv"),
            "aa3afbd33be876f0b8afc8cbafb84c6cbdc4679e352addfb009d4c858c4c10b9",
        ),
        (
            "ztf_bts_snia",
            "bts.csv",
            _raw(*_BTS, "SNIa/bts.csv"),
            "21fab8b612a58cc3d440f64d02351478a20ea56157f7069bf53673aa4a3225c1",
        ),
        (
            # made with `git archive` of SNIa/light-curves/: no single origin file
            "ztf_bts_snia",
            "snia_light_curves.tar.gz",
            None,
            "ebe30a893ab6900e8177242becf784f1e7924016d02283eefdceb56b607cab9a",
        ),
        (
            "snad_ztf_realbogus",
            "akb_obj_features_snad4.csv",
            _raw(*_SNAD, "akb_obj_features_snad4.csv"),
            "d8915c49ccf17ee76a3e902f94e4e72c57658ff6d6ec8451df47b4c0dc7987b7",
        ),
        (
            "snad_ztf_realbogus",
            "akb.ztf.snad.space.json",
            _raw(*_SNAD, "akb.ztf.snad.space.json"),
            "5ab9fdca2f3d0270a33cbf885e62458ba4d26bb97d28ac91fad2d44150dfe6ed",
        ),
        (
            "snad_ztf_realbogus",
            "feature_snad4_r_100.json",
            _raw(*_SNAD, "feature_snad4_r_100.json"),
            "4f2498b81251102808ba0b0ebfba97ccf2d7469f2673001b7b12fc52633b4f33",
        ),
        (
            # converted from the origin's pickled batches by fetch_frdeep
            "frdeep_radio_galaxies",
            "frdeep_first.npz",
            None,
            "cb0626bfb610bd8f48dc633570349583a94ad91b2c229fb016d137f28b977707",
        ),
        (
            "frdeep_radio_galaxies",
            "frdeep_nvss.npz",
            None,
            "be0c7123367cd993e83955c7b807d7c2c7479fa06b4c6fd8827a604fb3874aad",
        ),
    ]
    # the FR-DEEP npz as fetch_frdeep writes it without compression, where the
    # zlib of this Python does not reproduce the deflated bytes of the mirror
    alt = {
        "frdeep_first.npz": (
            "6510fa14ac9bbeca7affb53c98b0c52908f2c93954d4d42e31a6cfb96cf56a93",
        ),
        "frdeep_nvss.npz": (
            "5cc3654a3cd9259ae1e7430583d62f8aaedde036c5b2d26c2f0d2fbd39a60e65",
        ),
    }
    return {(f, n): RemoteFile(f, n, u, s, alt.get(n, ())) for f, n, u, s in rows}


#: Every file a loader reads, keyed by ``(folder, filename)``.
REMOTE_FILES: dict[tuple[str, str], RemoteFile] = _entries()

#: Origin archives of FR-DEEP (CIFAR-style pickled batches), per survey.
FRDEEP_ORIGINS: dict[str, str] = {
    "first": _raw(*_FRDEEP, "FIRST_data/FIRST_PNG_dataset.tar.gz"),
    "nvss": _raw(*_FRDEEP, "NVSS_data/NVSS_PNG_dataset.tar.gz"),
}
