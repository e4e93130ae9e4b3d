"""Compose ``conf/`` into ``params.yaml`` exactly as ``dvc exp run`` does with Hydra enabled.

``params.yaml`` is committed and is what ``dvc repro`` runs from; it must never drift from
``conf/``. ``python -m pipeline.tools.compose`` rewrites it, ``--check`` fails when it differs,
and extra arguments are Hydra overrides (``train.epochs=3``, ``model=improved_cnn``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipeline.atomic import atomic_write_text
from pipeline.config.params import PARAMS_FILE, ParamsError, params_from_dict

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
CONF_DIR = ROOT / "conf"


def compose_yaml(overrides: list[str] | None = None, conf_dir: Path = CONF_DIR) -> str:
    """Return the YAML text Hydra composes from ``conf_dir`` (DVC's own recipe, byte for byte)."""
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    with initialize_config_dir(str(Path(conf_dir).resolve()), version_base=None):
        cfg = compose(config_name="config", overrides=list(overrides or []))
    OmegaConf.resolve(cfg)
    return OmegaConf.to_yaml(cfg)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. train.epochs=3")
    parser.add_argument("--check", action="store_true", help="fail if params.yaml differs from conf/")
    parser.add_argument("--output", type=Path, default=ROOT / PARAMS_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    import yaml
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    try:
        text = compose_yaml(args.overrides)
        params_from_dict(yaml.safe_load(text), "composed config")  # reject bad values before writing
    except (HydraException, OmegaConfBaseException) as exc:
        # Hydra's message is the useful part; its traceback and search path are noise to the reader
        text = str(exc).split("Config search path")[0]
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        log.error("cannot compose conf/ with %s: %s", " ".join(args.overrides) or "no overrides", " ".join(lines))
        return 2
    except ParamsError as exc:
        log.error("%s", exc)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            log.error("%s differs from what conf/ composes; run `python -m pipeline.tools.compose`", args.output)
            return 1
        log.info("%s matches conf/", args.output)
        return 0
    try:
        atomic_write_text(args.output, text)
    except OSError as exc:  # a read-only checkout, a full disk: params.yaml is left as it was
        from pipeline.stage import os_error_message

        log.error("%s", os_error_message(exc, "`python -m pipeline.tools.compose`"))
        return 1
    log.info("wrote %s", args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
