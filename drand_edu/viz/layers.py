"""The architecture picture of session 5, drawn from the code itself: who imports whom in ``drand_edu``.

:func:`import_graph` reads every module of the package with :mod:`ast` (nothing is executed) and
records which sub-packages each sub-package imports. :func:`layer_levels` puts every package one
level above everything it depends on, so the picture shows the layers as they really are — if a
change made the core import a higher layer, the picture (and a test) would show it.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

PACKAGE = Path(__file__).resolve().parent.parent
#: Not part of the layered core: helpers beside the notebooks (realdrand: runs drand's own binary).
SIDE = {"viz", "exercises", "notebook", "js", "realdrand"}


def package_of(module_path: Path) -> str:
    """``drand_edu/chain/verify.py`` → ``chain``; top-level modules keep their own name."""
    relative = module_path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imports_of(module_path: Path) -> set[str]:
    """The drand_edu sub-packages a module imports (relative or absolute imports)."""
    tree = ast.parse(module_path.read_text())
    own = package_of(module_path)
    depth = len(module_path.relative_to(PACKAGE).parts) - 1  # how many dots reach drand_edu
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("drand_edu."):
                found.add(node.module.split(".")[1])
            elif node.level > depth and node.module:
                found.add(node.module.split(".")[0])
            elif node.level > depth:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("drand_edu."))
    return {p for p in found if (PACKAGE / p).exists() or (PACKAGE / f"{p}.py").exists()} - {own}


def import_graph(include_side: bool = False) -> dict[str, set[str]]:
    """package → the packages it imports, for every sub-package of drand_edu."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        package = package_of(path)
        if package in ("__init__", "__main__") or (package in SIDE and not include_side):
            continue
        graph.setdefault(package, set()).update(imports_of(path))
    return {p: {d for d in deps if d in graph and d != p} for p, deps in graph.items()}


def layer_levels(graph: Mapping[str, set[str]]) -> dict[str, int]:
    """Level 0 for packages that import nothing else; otherwise one more than their highest dependency.
    Raises ``ValueError`` on an import cycle (a layer would be above and below another at once)."""
    levels: dict[str, int] = {}
    visiting: set[str] = set()

    def level(package: str) -> int:
        if package in levels:
            return levels[package]
        if package in visiting:
            raise ValueError(f"import cycle through {package}")
        visiting.add(package)
        levels[package] = 1 + max((level(d) for d in graph.get(package, ())), default=-1)
        visiting.discard(package)
        return levels[package]

    for package in graph:
        level(package)
    return levels


#: Small helpers every layer uses; hidden from the picture so that the layers stand out.
UTILITIES = ("errors", "hexbytes", "rng")


def plot_architecture(
    graph: Mapping[str, set[str]] | None = None, hide: tuple[str, ...] = UTILITIES
) -> Figure:
    """Packages as boxes, lowest layer at the bottom, an arrow for each import (``hide``: left out)."""
    graph = import_graph() if graph is None else graph
    graph = {p: {d for d in deps if d not in hide} for p, deps in graph.items() if p not in hide}
    levels = layer_levels(graph)
    rows: dict[int, list[str]] = {}
    for package, lvl in sorted(levels.items(), key=lambda item: (item[1], item[0])):
        rows.setdefault(lvl, []).append(package)
    position = {}
    for lvl, packages in rows.items():
        for i, package in enumerate(packages):
            position[package] = (i - (len(packages) - 1) / 2, lvl)
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    for package, deps in graph.items():
        for dep in deps:
            (x1, y1), (x2, y2) = position[package], position[dep]
            ax.annotate("", xy=(x2, y2 + 0.18), xytext=(x1, y1 - 0.18),
                        arrowprops={"arrowstyle": "->", "color": "gray", "alpha": 0.5})  # fmt: skip
    for package, (x, y) in position.items():
        ax.text(x, y, package, ha="center", va="center", fontsize=10,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "tab:blue"})  # fmt: skip
    ax.set_xlim(-3, 3)
    ax.set_ylim(-0.6, max(rows) + 0.6)
    ax.axis("off")
    ax.set_title("drand_edu's layers, from its imports (an arrow: 'imports')")
    return fig


#: drand's names for our store layers (``internal/chain/beacon/store.go``) and what each adds.
STACK_ROLES = {
    "CallbackStore": ("callbackStore", "tells listeners: SyncChain, API waiters"),
    "AppendStore": ("appendStore", "round must be last + 1"),
    "SchemeStore": ("schemeStore", "chained: links to the last signature"),
    "DiscrepancyStore": ("discrepancyStore", "metrics: how late, last round"),
}


def plot_node_stack(layers: list[str] | None = None) -> Figure:
    """Inside one node: who writes beacons, through which layers, into what — drand's write paths.

    ``layers``: a store stack's :meth:`~drand_edu.store.stack.StoreLayer.layers` (outermost first,
    the backend last); by default the stack every simulated node builds. New beacons (the aggregator's,
    the sync manager's catch-up) go down the whole stack, as in drand's ``newChainStore``; the genesis
    beacon (``NewHandler``), a memdb node's first beacon at start (``storeCurrentFromPeerNetwork``) and a
    re-sync's corrections (the sync manager's ``insecureStore``) go straight into the backend.
    """
    layers = layers or [*STACK_ROLES, "SQLiteStore(trimmed)"]
    fig, ax = plt.subplots(figsize=(9, 5.6))
    box = {"boxstyle": "round", "facecolor": "white"}
    top, cx = len(layers) + 0.45, 1.0  # the writers' row; the stack's centre
    stack_writers = [
        (cx - 1.9, "aggregator\n(t partials → recover →\nverify: runAggregator)"),
        (cx + 1.9, "SyncManager: sync\n(tryNode, peers shuffled;\nverify each → store)"),
    ]
    for x, text in stack_writers:
        ax.text(x, top, text, ha="center", va="center", fontsize=8.5, bbox={**box, "edgecolor": "tab:orange"})
        ax.annotate("", xy=(cx, len(layers) - 1 + 0.3), xytext=(cx + (x - cx) * 0.7, top - 0.45),
                    arrowprops={"arrowstyle": "->", "color": "tab:orange"})  # fmt: skip
    for i, name in enumerate(layers):
        y = len(layers) - 1 - i
        drand, role = STACK_ROLES.get(name, ("backend (bolt / memdb)", name))
        label = f"{name}  ·  drand: {drand}"
        colour = "tab:blue" if name in STACK_ROLES else "tab:green"
        ax.text(cx, y, label, ha="center", va="center", fontsize=9, bbox={**box, "edgecolor": colour})
        if name in STACK_ROLES:
            ax.text(cx + 2.3, y, role, ha="left", va="center", fontsize=8, color="dimgray")
        if i:
            ax.annotate("", xy=(cx, y + 0.28), xytext=(cx, y + 0.72),
                        arrowprops={"arrowstyle": "->", "color": "gray"})  # fmt: skip
    # the writes that skip the layers: straight into the backend
    bare = (
        "straight into the backend:\n• genesis beacon (NewHandler)\n• memdb start: current round\n"
        "  (storeCurrentFromPeerNetwork)\n• re-sync corrections\n  (SyncManager's insecureStore)"
    )
    ax.text(-4.6, 1.0, bare, ha="left", va="center", fontsize=8, bbox={**box, "edgecolor": "tab:red"})
    ax.annotate("", xy=(cx - 1.7, 0), xytext=(-1.6, 0.45),
                arrowprops={"arrowstyle": "->", "color": "tab:red", "linestyle": "--"})  # fmt: skip
    ax.annotate("", xy=(-2.2, len(layers) - 1.35), xytext=(cx - 1.6, len(layers) - 1.0),
                arrowprops={"arrowstyle": "->", "color": "tab:purple"})  # fmt: skip
    ax.text(-4.6, len(layers) - 1.55, "callbacks: SyncChain\nstreams to peers,\nthe API's waiters", ha="left",
            fontsize=8, color="tab:purple")  # fmt: skip
    follow = "follow mode (StartFollowChain) builds a shorter stack: callbacks → scheme → backend"
    ax.text(cx - 1.0, -0.85, follow, ha="center", va="center", fontsize=8, color="dimgray")
    ax.set_xlim(-4.7, 5.9)
    ax.set_ylim(-1.1, top + 0.6)
    ax.axis("off")
    ax.set_title("One node's write paths: new beacons down the store stack, three writes beside it")
    return fig
