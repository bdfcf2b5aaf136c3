"""environment.yml (conda) and pyproject.toml list the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).parent.parent


def normalise(requirement: str) -> str:
    name = re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0]
    return name.lower().replace("_", "-")


def test_conda_environment_lists_the_pyproject_packages() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {normalise(r) for r in project["dependencies"]}
    wanted |= {normalise(r) for extra in project["optional-dependencies"].values() for r in extra}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    listed: set[str] = set()
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            listed |= {normalise(r) for r in entry["pip"] if not r.startswith("-e")}
        else:
            listed.add(normalise(entry))
    listed -= {"python", "pip"}
    assert listed == wanted, (
        f"only in environment.yml: {listed - wanted}; only in pyproject: {wanted - listed}"
    )
