"""The feed's mapping of indicators to capabilities, as data (``mapping.toml``), checked on load.

An installation replaces it with ``instance/evidence/mapping.toml``. Every indicator must be one the
feed knows how to compute, and every capability must exist in the frameworks in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .frameworks import FrameworkError, capability, instance_file, read_toml
from .models import CONFIDENCE

PACKAGE_FILE = Path(__file__).with_name("mapping.toml")
OVERRIDE_NAME = "mapping.toml"


class MappingError(FrameworkError):
    pass


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    description: str
    unit: str
    confidence: str
    capabilities: tuple[str, ...]


def parse(data: dict, known: set[str], origin: str = "mapping file") -> list[Indicator]:
    raw = data.get("indicator")
    if not isinstance(raw, list):
        raise MappingError(f"{origin}: no [[indicator]] tables. Define the indicators the feed records.")
    out, seen = [], set()
    for i, item in enumerate(raw, start=1):
        where = f"{origin}, indicator {i}"
        if not isinstance(item, dict):
            raise MappingError(f"{where}: write each indicator as an [[indicator]] table.")
        key = item.get("key")
        if not isinstance(key, str) or key not in known:
            raise MappingError(f"{where}: “{key}” is not an indicator the feed computes. Use one of: "
                               f"{', '.join(sorted(known))}.")
        where = f"{origin}, indicator “{key}”"
        if key in seen:
            raise MappingError(f"{where}: listed twice. Keep one entry and list all its capabilities there.")
        seen.add(key)
        for field in ("name", "unit"):
            if not isinstance(item.get(field), str) or not item[field].strip():
                raise MappingError(f"{where}: “{field}” is missing. Add {field} = \"...\".")
        confidence = item.get("confidence", "documented")
        if confidence not in CONFIDENCE:
            raise MappingError(f"{where}: confidence “{confidence}” is unknown. Use one of: {', '.join(CONFIDENCE)}.")
        caps = item.get("capabilities", [])
        if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
            raise MappingError(f"{where}: capabilities must be a list of capability keys, e.g. [\"coalitions\"].")
        for cap in caps:
            if capability(cap) is None:
                raise MappingError(f"{where}: capability “{cap}” is not in the frameworks file. Use a key "
                                   "defined there (see panels/evidence/frameworks.toml).")
        if len(set(caps)) != len(caps):
            raise MappingError(f"{where}: a capability is listed twice. List each once.")
        out.append(Indicator(key, item["name"].strip(), str(item.get("description", "")).strip(), item["unit"].strip(),
                             confidence, tuple(caps)))
    return out


def load(path: Path | None = None) -> list[Indicator]:
    """The mapping from ``path``, else the installation's override, else the packaged file."""
    from .indicators import INDICATORS

    path = Path(path) if path else (instance_file(OVERRIDE_NAME) or PACKAGE_FILE)
    return parse(read_toml(path), set(INDICATORS), str(path))


def describe(key: str) -> Indicator | None:
    """The mapping's entry for an indicator key (None for indicators entered by hand)."""
    try:
        return next((i for i in load() if i.key == key), None)
    except FrameworkError:
        return None


def indicator_names() -> dict[str, str]:
    try:
        return {i.key: i.name for i in load()}
    except FrameworkError:
        return {}
