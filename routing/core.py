"""The core graph: the network without its dead-end trees, where many-to-many searches run.

A dead end can never lie on a shortest path between two other nodes, so the trees hanging off
the network by a single node are pruned once per network and weight. Every pruned node keeps
its *root* (the core node its tree hangs from) and its cost to and from that root, so points
that snap into a tree still route exactly through it. Searches on the smaller core graph are
what keeps a 300x300 matrix well under half a second on the Shanxi network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray


@dataclass(frozen=True, eq=False)
class CoreGraph:
    """Dead-end-free core of a weighted directed graph.

    Attributes
    ----------
    csr
        Weighted adjacency of the core nodes (core numbering).
    core_nodes
        Full-graph id of each core node.
    core_index
        Core id of each full-graph node, -1 for pruned nodes.
    root
        For every full-graph node: the full-graph id of the core node it reaches through its tree
        (itself for core nodes).
    parent
        For pruned nodes, the next node towards the root; -1 for core nodes.
    cost_to_root, cost_from_root
        Weight of the tree path node -> root and root -> node (0 for core nodes).
    """

    csr: sp.csr_matrix
    core_nodes: NDArray[np.int64]
    core_index: NDArray[np.int64]
    root: NDArray[np.int64]
    parent: NDArray[np.int64]
    cost_to_root: NDArray[np.float64]
    cost_from_root: NDArray[np.float64]

    def tree_path_to_root(self, node: int) -> list[int]:
        """Full-graph nodes from ``node`` up to (and including) its root."""
        path = [node]
        while self.parent[path[-1]] >= 0:
            path.append(int(self.parent[path[-1]]))
        return path


def build_core(adjacency: sp.csr_matrix) -> CoreGraph:
    """Prune dead-end trees of ``adjacency`` (square CSR, parallel edges already collapsed).

    A node is a dead end when it has at most one distinct neighbour (in either direction) left.
    """
    n = adjacency.shape[0]
    adjacency = adjacency.tocsr()
    pattern = (adjacency != 0).astype(np.int8)
    undirected = ((pattern + pattern.T) > 0).astype(np.int8).tocsr()
    degree = np.diff(undirected.indptr).astype(np.int64)
    alive = np.ones(n, dtype=bool)
    parent = np.full(n, -1, dtype=np.int64)
    order: list[int] = []
    queue = list(np.flatnonzero(degree <= 1))
    indptr, indices = undirected.indptr, undirected.indices
    while queue:
        node = queue.pop()
        if not alive[node] or degree[node] > 1:
            continue
        alive[node] = False
        order.append(node)
        for nbr in indices[indptr[node] : indptr[node + 1]]:
            if alive[nbr]:
                parent[node] = nbr
                degree[nbr] -= 1
                if degree[nbr] <= 1:
                    queue.append(nbr)
    if not alive.any():
        # A tree-shaped network has no core: keep the last pruned node as a one-node core.
        last = order.pop()
        alive[last] = True
        parent[last] = -1
    root = np.arange(n, dtype=np.int64)
    to_root = np.zeros(n)
    from_root = np.zeros(n)
    for node in reversed(order):
        p = parent[node]
        root[node] = root[p]
        to_root[node] = adjacency[node, p] + to_root[p]
        from_root[node] = adjacency[p, node] + from_root[p]
    core_nodes = np.flatnonzero(alive).astype(np.int64)
    core_index = np.full(n, -1, dtype=np.int64)
    core_index[core_nodes] = np.arange(core_nodes.size)
    csr = adjacency[core_nodes][:, core_nodes].tocsr()
    return CoreGraph(
        csr=csr,
        core_nodes=core_nodes,
        core_index=core_index,
        root=root,
        parent=parent,
        cost_to_root=to_root,
        cost_from_root=from_root,
    )
