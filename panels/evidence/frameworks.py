"""Capability frameworks as data: loaded from a TOML file, checked, overridable per installation.

The package ships ``frameworks.toml``; a city replaces it with ``instance/evidence/frameworks.toml``
(same format) to adapt names, descriptions, questions or add a framework, without code.
Records store the framework and capability keys, so keys must stay stable.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context

PACKAGE_FILE = Path(__file__).with_name("frameworks.toml")
OVERRIDE_NAME = "frameworks.toml"
KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


class FrameworkError(ValueError):
    """A frameworks (or mapping) file that cannot be used, with where and how to fix it."""


@dataclass(frozen=True)
class Question:
    key: str
    text: str


@dataclass(frozen=True)
class Capability:
    key: str
    name: str
    description: str
    framework: str
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    description: str
    source: str
    capabilities: tuple[Capability, ...]

    def capability(self, key: str) -> Capability | None:
        return next((c for c in self.capabilities if c.key == key), None)


def instance_file(name: str) -> Path | None:
    """The installation's override of a data file (instance/evidence/<name>), if there is one."""
    if not has_app_context():
        return None
    folder = current_app.config.get("INSTANCE_DIR") or current_app.instance_path
    path = Path(folder) / "evidence" / name
    return path if path.is_file() else None


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"{path}: not valid TOML ({exc}). Fix the syntax at that line.") from exc
    except OSError as exc:
        raise FrameworkError(f"{path}: cannot be read ({exc}).") from exc


def _text(item: dict, field: str, where: str, *, required: bool = True) -> str:
    value = item.get(field, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise FrameworkError(f"{where}: “{field}” is missing or not text. Add {field} = \"...\".")
    return value.strip()


def _key(item: dict, where: str) -> str:
    key = _text(item, "key", where)
    if not set(key) <= KEY_CHARS or len(key) > 60:
        raise FrameworkError(f"{where}: key “{key}” may use only lower-case letters, digits and _ "
                             "(at most 60 characters).")
    return key


def _questions(raw, where: str) -> tuple[Question, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise FrameworkError(f"{where}: “questions” must be a list of {{ key = ..., text = ... }}.")
    out, seen = [], set()
    for i, item in enumerate(raw, start=1):
        here = f"{where}, question {i}"
        if not isinstance(item, dict):
            raise FrameworkError(f"{here}: write it as {{ key = \"...\", text = \"...\" }}.")
        key = _key(item, here)
        if key in seen:
            raise FrameworkError(f"{here}: the question key “{key}” is used twice. Give each question its own key.")
        seen.add(key)
        out.append(Question(key, _text(item, "text", here)))
    return tuple(out)


def parse(data: dict, origin: str = "frameworks file") -> list[Framework]:
    """Check the parsed TOML and build the frameworks; every error names the place and the fix."""
    raw = data.get("framework")
    if not isinstance(raw, list) or not raw:
        raise FrameworkError(f"{origin}: no [[framework]] tables. Define at least one framework.")
    frameworks, framework_keys, capability_keys = [], set(), {}
    for i, item in enumerate(raw, start=1):
        where = f"{origin}, framework {i}"
        if not isinstance(item, dict):
            raise FrameworkError(f"{where}: write each framework as a [[framework]] table.")
        key = _key(item, where)
        where = f"{origin}, framework “{key}”"
        if key in framework_keys:
            raise FrameworkError(f"{where}: this key is used by another framework. Keys must be unique.")
        framework_keys.add(key)
        default_questions = _questions(item.get("questions"), where)
        capabilities = []
        caps = item.get("capability")
        if not isinstance(caps, list) or not caps:
            raise FrameworkError(f"{where}: no [[framework.capability]] tables. Add at least one capability.")
        for j, cap in enumerate(caps, start=1):
            here = f"{where}, capability {j}"
            if not isinstance(cap, dict):
                raise FrameworkError(f"{here}: write each capability as a [[framework.capability]] table.")
            cap_key = _key(cap, here)
            here = f"{where}, capability “{cap_key}”"
            if cap_key in capability_keys:
                raise FrameworkError(f"{here}: the key is already used in framework “{capability_keys[cap_key]}”. "
                                     "Capability keys must be unique across all frameworks.")
            capability_keys[cap_key] = key
            questions = _questions(cap.get("questions"), here) or default_questions
            capabilities.append(Capability(cap_key, _text(cap, "name", here),
                                           _text(cap, "description", here, required=False), key, questions))
        frameworks.append(Framework(key, _text(item, "name", where), _text(item, "description", where, required=False),
                                    _text(item, "source", where, required=False), tuple(capabilities)))
    return frameworks


_cache: dict[tuple[str, float], list[Framework]] = {}


def load(path: Path | None = None) -> list[Framework]:
    """The frameworks from ``path``, else the installation's override, else the packaged file."""
    path = Path(path) if path else (instance_file(OVERRIDE_NAME) or PACKAGE_FILE)
    stamp = (str(path), path.stat().st_mtime if path.exists() else 0.0)
    if stamp not in _cache:
        _cache.clear()
        _cache[stamp] = parse(read_toml(path), str(path))
    return _cache[stamp]


def frameworks() -> list[Framework]:
    return load()


def get(key: str) -> Framework | None:
    return next((f for f in load() if f.key == key), None)


def capabilities(framework: str | None = None) -> list[Capability]:
    """All capabilities (of one framework, or of all in file order)."""
    return [c for f in load() if framework in (None, f.key) for c in f.capabilities]


def capability(key: str) -> Capability | None:
    return next((c for c in capabilities() if c.key == key), None)


def capability_name(key: str) -> str:
    found = capability(key)
    return found.name if found else key.replace("_", " ").capitalize()


def capability_choices() -> list[tuple[str, str]]:
    """For select fields: grouped labels "Framework: Capability"."""
    return [(c.key, f"{f.name.split(' (')[0]}: {c.name}") for f in load() for c in f.capabilities]
