"""The demo network beside a demo workspace: what `govinspect demo` leaves so that `govinspect
serve` can serve the same network again (the re-check of a rectification item fetches from
it), and the fix switch another process flips (`govinspect demo-fix`).

Files (in the workspace):
- ``network/build.json``: the build arguments (same arguments → the same pages, ports included)
- ``recheck-options.json``: how the workspace's re-check fetches (the demo's closed world)
- ``network/fixed.json``: the manifest entries served corrected (``fixes.py``), read by the
  serving process whenever it changes
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from govinspect.demo.fixes import DEAD_LINK_KINDS, FIXABLE_KINDS, TEXT_KINDS

BUILD_FILE = "network/build.json"
FIXED_FILE = "network/fixed.json"
RECHECK_OPTIONS = "recheck-options.json"


def _write(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def save_build(workspace: Path, **kwargs) -> None:
    """Keep ``build_network``'s arguments (``t`` as ISO 8601)."""
    data = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in kwargs.items()}
    _write(Path(workspace) / BUILD_FILE, data)


def save_recheck_options(workspace: Path, options) -> None:
    """The re-check's fetch options (a ``CollectOptions``) for this workspace."""
    _write(Path(workspace) / RECHECK_OPTIONS, options.to_dict())


def has_network(workspace: Path) -> bool:
    return (Path(workspace) / BUILD_FILE).is_file()


def serve_saved(workspace: Path):
    """Build the saved network again and serve it (``DemoServer``; the caller closes it).
    TLS keys are new each build: the demo CA is written again (``network/tls/ca.pem``)."""
    from govinspect.demo.model import CA_FILE
    from govinspect.demo.network import build_network
    from govinspect.demo.server import start_network

    workspace = Path(workspace)
    kwargs = json.loads((workspace / BUILD_FILE).read_text(encoding="utf-8"))
    kwargs["t"] = datetime.fromisoformat(kwargs["t"])
    net = build_network(**kwargs)
    if net.tls is not None:
        ca = workspace / "network" / CA_FILE
        ca.parent.mkdir(parents=True, exist_ok=True)
        ca.write_bytes(net.tls.ca_pem)
    return start_network(net, fixes_file=workspace / FIXED_FILE)


def choose(manifest, site: str | None = None, kind: str = "all") -> list[int]:
    """Indices of the planted problems the switch can fix, of one site (code) or all, of one
    kind group: ``links`` (broken links), ``text`` (wrong text, leaked data) or ``all``."""
    kinds = {"links": DEAD_LINK_KINDS, "text": TEXT_KINDS, "all": FIXABLE_KINDS}[kind]
    return [i for i, e in enumerate(manifest)
            if e.get("kind") in kinds and not e.get("negative")
            and (site is None or e.get("site") == site)]


def save_fixes(workspace: Path, indices: list[int]) -> None:
    _write(Path(workspace) / FIXED_FILE, sorted(set(indices)))


def load_fixes(workspace: Path) -> list[int]:
    try:
        return list(json.loads((Path(workspace) / FIXED_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []
