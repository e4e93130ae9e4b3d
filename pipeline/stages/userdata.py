"""Stage ``userdata``: the person's own digits (the app's records under ``user.folder``) as arrays.

``artifacts/data/user.npz`` holds the digits to learn from and the held-out ones (whole
sittings; :mod:`pipeline.userdata`), ``artifacts/metrics/userdata.json`` what the dataset
holds. A malformed record is named and skipped; a clean clone has no records and writes
empty arrays, so nothing downstream changes.
"""

from __future__ import annotations

import logging

from app.userdata import load_records
from pipeline.atomic import atomic_write_json, atomic_write_npz
from pipeline.config.core import Sections, load
from pipeline.config.user import UserConfig
from pipeline.paths import USER_NPZ, USERDATA_JSON
from pipeline.stage import run
from pipeline.userdata import build, summary

log = logging.getLogger(__name__)


class UserdataParams(Sections):
    """The groups of params.yaml this stage reads."""

    user: UserConfig


def main() -> None:
    cfg = load(UserdataParams).user
    loaded = load_records(cfg.folder)
    for problem in loaded.problems:
        log.warning("%s", problem)
    users = build(loaded, cfg.held_out_fraction, cfg.seed)
    atomic_write_npz(USER_NPZ, users.arrays())
    info = summary(loaded, users)
    atomic_write_json(USERDATA_JSON, info)
    log.info(
        "%d record(s) of %d writer(s): %d digits to learn from, %d held out; %d skipped",
        info["records"],
        info["writers"],
        info["digits"]["train"],
        info["digits"]["held_out"],
        info["skipped"],
    )


if __name__ == "__main__":
    run(main, outputs=[USER_NPZ, USERDATA_JSON])
