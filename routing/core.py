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

    A node is a dead end when it has at most one distinct neighbour (in either direction, self-loops
    aside) left. The last node of a component that is a tree stays in the core as the tree's root.
    A tree edge missing in one direction (a one-way dead end) makes the cost through it ``inf``.
    """
    n = adjacency.shape[0]
    adjacency = adjacency.tocsr()
    coo = adjacency.tocoo()
    link = (coo.row != coo.col) & (coo.data != 0)
    ends = np.concatenate([coo.row[link], coo.col[link]]), np.concatenate([coo.col[link], coo.row[link]])
    undirected = sp.csr_matrix((np.ones(ends[0].size, dtype=np.int8), ends), shape=(n, n))
    undirected.sum_duplicates()
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
        nbrs = [nbr for nbr in indices[indptr[node] : indptr[node + 1]] if alive[nbr]]
        if not nbrs:
            continue  # the last node of a tree-shaped component: its root, kept in the core
        alive[node] = False
        order.append(node)
        parent[node] = nbrs[0]
        degree[nbrs[0]] -= 1
        if degree[nbrs[0]] <= 1:
            queue.append(nbrs[0])
    pruned = np.array(order, dtype=np.int64)
    # weights of the tree edges up (node -> parent) and down (parent -> node); 0 means missing
    up_w = np.asarray(adjacency[pruned, parent[pruned]]).ravel() if pruned.size else np.zeros(0)
    down_w = np.asarray(adjacency[parent[pruned], pruned]).ravel() if pruned.size else np.zeros(0)
    up_w = np.where(up_w > 0, up_w, np.inf)
    down_w = np.where(down_w > 0, down_w, np.inf)
    root = np.arange(n, dtype=np.int64)
    to_root = np.zeros(n)
    from_root = np.zeros(n)
    for k in range(pruned.size - 1, -1, -1):
        node = pruned[k]
        p = parent[node]
        root[node] = root[p]
        to_root[node] = up_w[k] + to_root[p]
        from_root[node] = down_w[k] + from_root[p]
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
