"""Experiment configs: YAML files, optionally built on another config.

A config may start with ``base: <file>`` (a path relative to the config's own
folder); its keys then override the base's, mapping by mapping, so an ablation
names only what it changes::

    base: dense.yaml
    epochs: 20
    model: {se: false}

The loaded config (what a run logs) is the merged one, without ``base``.
"""
from __future__ import annotations

from pathlib import Path

import yaml


def merge(base: dict, override: dict) -> dict:
    """``base`` with ``override`` laid over it: mappings merge key by key,
    anything else (numbers, lists, null) replaces the base's value."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config(path: Path, _seen: tuple[Path, ...] = ()) -> dict:
    """The config at ``path`` with its ``base`` chain resolved.

    Raises ``ValueError`` naming the file for a config that is not a mapping or
    whose bases form a loop, and ``FileNotFoundError`` for a missing base."""
    path = Path(path).resolve()
    if path in _seen:
        raise ValueError(f"{path}: 'base' loops back to itself ({' -> '.join(p.name for p in _seen + (path,))})")
    cfg = yaml.safe_load(path.read_text())
    if not isinstance(cfg, dict):
        raise ValueError(f"{path}: a config must be a YAML mapping")
    base = cfg.pop("base", None)
    if base is None:
        return cfg
    base_path = path.parent / base
    if not base_path.is_file():
        raise FileNotFoundError(f"{path}: base config {base_path} does not exist")
    return merge(load_config(base_path, _seen + (path,)), cfg)
