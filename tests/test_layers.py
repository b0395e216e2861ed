"""The brief's layer graph holds in the code: crypto, threshold, chain, node/net/store, api/client, cli."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from drand_edu.viz.layers import import_graph, layer_levels, plot_architecture

ORDER = {
    "crypto": 0, "threshold": 1, "chain": 2, "tlock": 2, "net": 3, "store": 3, "node": 3,
    "api": 4, "client": 4, "cli": 5,
}  # fmt: skip


def test_no_layer_imports_a_layer_above_it() -> None:
    graph = import_graph()
    for package, deps in graph.items():
        for dep in deps:
            if package in ORDER and dep in ORDER:
                assert ORDER[dep] <= ORDER[package], f"{package} imports {dep}, a higher layer"
    layer_levels(graph)  # raises on an import cycle


def test_the_core_never_imports_the_notebook_helpers() -> None:
    graph = import_graph(include_side=True)
    for package, deps in graph.items():
        if package not in {"viz", "exercises", "notebook", "js", "realdrand"}:
            assert not deps & {"viz", "exercises", "realdrand"}, package


def test_levels_and_picture() -> None:
    levels = layer_levels({"a": set(), "b": {"a"}, "c": {"a", "b"}})
    assert levels == {"a": 0, "b": 1, "c": 2}
    try:
        layer_levels({"a": {"b"}, "b": {"a"}})
    except ValueError as exc:
        assert "cycle" in str(exc)
    else:
        raise AssertionError("a cycle was not reported")
    assert plot_architecture().axes


def test_the_node_stack_picture_names_drand_s_layers() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from drand_edu.node.network import LocalNetwork
    from drand_edu.rng import seeded_rng
    from drand_edu.viz.layers import plot_node_stack

    net = LocalNetwork.create(3, 2, rng=seeded_rng("stack picture"))
    layers = net.processes[0].store.layers()
    assert layers[:4] == ["CallbackStore", "AppendStore", "SchemeStore", "DiscrepancyStore"]
    texts = [t.get_text() for t in plot_node_stack(layers).axes[0].texts]
    assert any("appendStore" in t for t in texts) and any("SyncManager" in t for t in texts)
