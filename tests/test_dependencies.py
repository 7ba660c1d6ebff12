"""requirements.txt lists exactly what the crawler imports, and the lock files pin versions it allows."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement

from tests.conftest import ROOT

OWN_PACKAGES = {"crawler", "spiders", "pipelines"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path: Path) -> dict[str, Requirement]:
    found = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            found[_normalise(requirement.name)] = requirement
    return found


def imported_modules() -> set[str]:
    modules: set[str] = set()
    for package in OWN_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in OWN_PACKAGES and m != "__future__"}


def pins(lock: Path) -> dict[str, str]:
    return {
        _normalise(match[1]): match[2]
        for match in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)", lock.read_text(encoding="utf-8"), re.MULTILINE)
    }


def test_requirements_list_exactly_the_imported_distributions() -> None:
    distributions = importlib.metadata.packages_distributions()
    imported = {_normalise(distributions[module][0]) for module in imported_modules()}
    listed = set(requirements(ROOT / "requirements.txt"))
    assert imported - listed == set(), "imported but not in requirements.txt"
    assert listed - imported == set(), "in requirements.txt but never imported (it arrives with another package?)"


def test_the_locks_pin_every_requirement_to_a_version_it_allows() -> None:
    runtime, development = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    for lock, listed in ((runtime, "requirements.txt"), (development, "requirements-dev.txt")):
        for name, requirement in requirements(ROOT / listed).items():
            assert name in lock, f"{name} is not pinned"
            assert requirement.specifier.contains(lock[name], prereleases=True), f"{name}=={lock[name]} breaks {requirement}"
    # Both locks agree on what the crawler itself runs with.
    assert {name: development[name] for name in runtime} == runtime
    # Every pin carries its hashes: `pip install --require-hashes` refuses anything else.
    for lock_file in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock_file).read_text(encoding="utf-8")
        blocks = [b for b in re.split(r"^(?=[A-Za-z0-9][A-Za-z0-9._-]*==)", text, flags=re.MULTILINE) if "==" in b.split()[0]]
        assert len(blocks) == len(pins(ROOT / lock_file))
        assert [b.split()[0] for b in blocks if not re.search(r"--hash=sha256:[0-9a-f]{64}", b)] == [], lock_file


def test_what_is_installed_is_what_the_dev_lock_pins() -> None:
    different = {
        name: (version, importlib.metadata.version(name))
        for name, version in pins(ROOT / "requirements-dev.lock").items()
        if _installed(name) and importlib.metadata.version(name) != version
    }
    assert different == {}, "the environment was not installed from requirements-dev.lock (make test installs it)"


def _installed(name: str) -> bool:
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True
