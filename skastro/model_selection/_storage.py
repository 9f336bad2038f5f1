"""Where a study lives: the storage URL or object given to ``tune``."""

from __future__ import annotations

import time
import warnings
from typing import Any

from sklearn.utils._param_validation import HasMethods

from skastro.utils._constraints import worded

__all__ = ["DEFAULT_STORAGE"]

#: Storage used when ``tune(storage=None)``: a SQLite file ``skastro_tuning.db``
#: in the current working directory.
DEFAULT_STORAGE = "sqlite:///skastro_tuning.db"

# Heartbeat of the RDB storages built from a URL: a trial whose process died
# (SIGKILL, lost node) stops beating and, ``_GRACE_PERIOD`` seconds later, the
# next trial started on the study records it as FAIL.
_HEARTBEAT_INTERVAL = 60
_GRACE_PERIOD = 180


#: What ``tune`` accepts as ``storage`` (an optuna storage object is told by
#: its methods, so that checking it does not import Optuna).
STORAGE_CONSTRAINT = worded(
    str,
    HasMethods(["create_new_study", "create_new_trial"]),
    None,
    message="tune got storage={value!r} of type {type}; expected None, ':memory:', "
    "an RDB URL such as 'sqlite:///study.db' or 'postgresql://user@host/db', or "
    "an optuna storage object.",
)


def _make_storage(storage: Any) -> Any:
    """The optuna storage for ``storage`` (checked by :data:`STORAGE_CONSTRAINT`)."""
    import optuna

    if storage is None:
        storage = DEFAULT_STORAGE
    if not isinstance(storage, str):
        return storage
    if storage == ":memory:":
        return optuna.storages.InMemoryStorage()
    engine_kwargs = None
    if storage.startswith("sqlite"):
        # wait for the write lock instead of failing when several processes
        # write to one SQLite file
        engine_kwargs = {"connect_args": {"timeout": 120}}
    import sqlalchemy.exc

    # Several processes opening a new database at once race to create its
    # tables; the loser gets an IntegrityError/OperationalError and simply
    # retries against the tables the winner created.
    for attempt in range(6):
        try:
            with warnings.catch_warnings():
                # the heartbeat is flagged experimental by Optuna; it is what
                # records a killed trial as FAIL, so skastro opts in knowingly
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return optuna.storages.RDBStorage(
                    storage,
                    engine_kwargs=engine_kwargs,
                    heartbeat_interval=_HEARTBEAT_INTERVAL,
                    grace_period=_GRACE_PERIOD,
                )
        except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.OperationalError):
            if attempt == 5:
                raise
            time.sleep(0.2 * (attempt + 1))
