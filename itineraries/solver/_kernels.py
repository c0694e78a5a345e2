"""Compiled local-search kernels for trips without time windows or travel limits.

Routes are packed in an ``(D, capacity)`` array ``routes`` with ``lengths[d]`` used entries
(hotels included). Every kernel re-times a changed trip with :func:`_timing`, which adds
``service[a] + travel[a, b]`` in route order exactly like the independent checker, and undoes a
move whose exact timing breaks a limit, so round-off can never let an infeasible trip through.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_EPS = 1e-9
_INF = np.inf


@njit(cache=True)
def _timing(travel, service, routes, d, length):  # pragma: no cover - compiled
    clock = 0.0
    driven = 0.0
    for k in range(length - 1):
        a = routes[d, k]
        b = routes[d, k + 1]
        leg = travel[a, b]
        driven += leg
        clock += service[a] + leg
    return clock, driven


@njit(cache=True)
def _table(cost, routes, d, length, allowed, inc, pos):  # pragma: no cover - compiled
    n = cost.shape[0]
    for p in range(n):
        inc[p] = _INF
        pos[p] = -1
    for k in range(length - 1):
        a = routes[d, k]
        b = routes[d, k + 1]
        base = cost[a, b]
        for p in range(n):
            if not allowed[p]:
                continue
            v = cost[a, p] + cost[p, b] - base
            if v < inc[p]:
                inc[p] = v
                pos[p] = k


@njit(cache=True)
def _insert(routes, lengths, d, index, vertex):  # pragma: no cover - compiled
    for i in range(lengths[d], index, -1):
        routes[d, i] = routes[d, i - 1]
    routes[d, index] = vertex
    lengths[d] += 1


@njit(cache=True)
def _delete(routes, lengths, d, index):  # pragma: no cover - compiled
    for i in range(index, lengths[d] - 1):
        routes[d, i] = routes[d, i + 1]
    lengths[d] -= 1


@njit(cache=True)
def fill(
    travel,
    service,
    cost,
    weights,
    scores,
    cand,
    tabu,
    mandatory,
    limits,
    total_limit,
    routes,
    lengths,
    durations,
    travels,
    visited,
    noise,
    seed,
    trip_mask,
):  # pragma: no cover - compiled
    """Greedy insertion (mandatory first, then best weight/time ratio); returns changed trips."""
    num_trips, n = cand.shape
    inc = np.full((num_trips, n), _INF)
    pos = np.full((num_trips, n), -1, dtype=np.int64)
    for d in range(num_trips):
        if trip_mask[d]:
            _table(cost, routes, d, lengths[d], cand[d], inc[d], pos[d])
    if noise > 0.0:
        np.random.seed(seed)
    changed = np.zeros(num_trips, dtype=np.bool_)
    while True:
        total = durations.sum()
        best_d = -1
        best_p = -1
        best_ratio = -_INF
        must = False
        must_cost = _INF
        for d in range(num_trips):
            if not trip_mask[d]:
                continue
            slack = limits[d] - durations[d]
            for p in range(n):
                c = inc[d, p]
                if c == _INF or visited[p] or tabu[p] or not cand[d, p]:
                    continue
                if c > slack or total + c > total_limit:
                    continue
                if mandatory[p]:
                    if not must or c < must_cost:
                        must = True
                        must_cost = c
                        best_d = d
                        best_p = p
                elif not must:
                    ratio = weights[p] / (c + _EPS)
                    if noise > 0.0:
                        ratio *= 1.0 + noise * np.random.random()
                    if ratio > best_ratio:
                        best_ratio = ratio
                        best_d = d
                        best_p = p
        if best_d < 0:
            break
        d = best_d
        p = best_p
        index = pos[d, p] + 1
        _insert(routes, lengths, d, index, p)
        clock, driven = _timing(travel, service, routes, d, lengths[d])
        if clock > limits[d] or total - durations[d] + clock > total_limit:
            _delete(routes, lengths, d, index)
            inc[d, p] = _INF
            continue
        durations[d] = clock
        travels[d] = driven
        visited[p] = True
        changed[d] = True
        _table(cost, routes, d, lengths[d], cand[d], inc[d], pos[d])
    return changed


@njit(cache=True)
def two_opt(travel, service, routes, lengths, durations, travels, d):  # pragma: no cover - compiled
    """Best-improvement 2-opt on trip ``d`` (symmetric travel times)."""
    length = lengths[d]
    if length < 5:
        return False
    backup = routes[d, :length].copy()
    improved = False
    while True:
        best = 1e-10
        bi = -1
        bj = -1
        for i in range(length - 3):
            a = routes[d, i]
            b = routes[d, i + 1]
            ab = travel[a, b]
            for j in range(i + 2, length - 1):
                c = routes[d, j]
                e = routes[d, j + 1]
                gain = ab + travel[c, e] - travel[a, c] - travel[b, e]
                if gain > best:
                    best = gain
                    bi = i
                    bj = j
        if bi < 0:
            break
        lo = bi + 1
        hi = bj
        while lo < hi:
            tmp = routes[d, lo]
            routes[d, lo] = routes[d, hi]
            routes[d, hi] = tmp
            lo += 1
            hi -= 1
        improved = True
    if improved:
        clock, driven = _timing(travel, service, routes, d, length)
        if clock <= durations[d]:
            durations[d] = clock
            travels[d] = driven
            return True
        routes[d, :length] = backup
    return False


@njit(cache=True)
def or_opt(travel, service, routes, lengths, durations, travels, d):  # pragma: no cover - compiled
    """Best-improvement or-opt on trip ``d``: move a segment of 1-3 POIs elsewhere in the trip."""
    length = lengths[d]
    if length < 4:
        return False
    backup = routes[d, :length].copy()
    buf = np.empty(length, dtype=routes.dtype)
    improved = False
    while True:
        best = 1e-10
        bi = -1
        bs = 0
        bj = -1
        for size in range(1, 4):
            for i in range(1, length - size):
                first = routes[d, i]
                last = routes[d, i + size - 1]
                before = routes[d, i - 1]
                after = routes[d, i + size]
                removal = travel[before, first] + travel[last, after] - travel[before, after]
                if removal <= best:
                    continue
                for j in range(length - 1):
                    if i - 1 <= j <= i + size - 1:
                        continue
                    a = routes[d, j]
                    b = routes[d, j + 1]
                    gain = removal - (travel[a, first] + travel[last, b] - travel[a, b])
                    if gain > best:
                        best = gain
                        bi = i
                        bs = size
                        bj = j
        if bi < 0:
            break
        k = 0
        for idx in range(length):
            if bi <= idx < bi + bs:
                continue
            buf[k] = routes[d, idx]
            k += 1
            if idx == bj:
                for t in range(bs):
                    buf[k] = routes[d, bi + t]
                    k += 1
        routes[d, :length] = buf
        improved = True
    if improved:
        clock, driven = _timing(travel, service, routes, d, length)
        if clock <= durations[d]:
            durations[d] = clock
            travels[d] = driven
            return True
        routes[d, :length] = backup
    return False


@njit(cache=True)
def relocate(
    travel, service, cost, cand, limits, total_limit, routes, lengths, durations, travels
):  # pragma: no cover - compiled
    """Move one POI to another trip where it costs less time than it saves.

    Returns the pair of changed trips, or ``(-1, -1)``.
    """
    num_trips, n = cand.shape
    if num_trips < 2:
        return -1, -1
    inc = np.full((num_trips, n), _INF)
    pos = np.full((num_trips, n), -1, dtype=np.int64)
    for b in range(num_trips):
        _table(cost, routes, b, lengths[b], cand[b], inc[b], pos[b])
    total = durations.sum()
    best = 1e-7
    best_a = -1
    best_k = -1
    best_b = -1
    for a in range(num_trips):
        for k in range(1, lengths[a] - 1):
            v = routes[a, k]
            prev = routes[a, k - 1]
            nxt = routes[a, k + 1]
            saving = cost[prev, v] + cost[v, nxt] - cost[prev, nxt]
            for b in range(num_trips):
                if b == a or not cand[b, v]:
                    continue
                c = inc[b, v]
                if c == _INF or durations[b] + c > limits[b] or total - saving + c > total_limit:
                    continue
                if saving - c > best:
                    best = saving - c
                    best_a = a
                    best_k = k
                    best_b = b
    if best_a < 0:
        return -1, -1
    a = best_a
    b = best_b
    v = routes[a, best_k]
    old_a = routes[a].copy()
    old_b = routes[b].copy()
    old_la = lengths[a]
    old_lb = lengths[b]
    index = pos[b, v] + 1
    _delete(routes, lengths, a, best_k)
    _insert(routes, lengths, b, index, v)
    clock_a, drive_a = _timing(travel, service, routes, a, lengths[a])
    clock_b, drive_b = _timing(travel, service, routes, b, lengths[b])
    new_total = total - durations[a] - durations[b] + clock_a + clock_b
    if clock_a > limits[a] or clock_b > limits[b] or new_total > total_limit:
        routes[a] = old_a
        routes[b] = old_b
        lengths[a] = old_la
        lengths[b] = old_lb
        return -1, -1
    durations[a] = clock_a
    durations[b] = clock_b
    travels[a] = drive_a
    travels[b] = drive_b
    return a, b


@njit(cache=True)
def replace(
    travel,
    service,
    cost,
    scores,
    cand,
    visited,
    mandatory,
    limits,
    total_limit,
    routes,
    lengths,
    durations,
    travels,
):  # pragma: no cover - compiled
    """Swap one visited POI for an unvisited one of higher score (or equal score, shorter trip).

    Returns the changed trip or ``-1``.
    """
    num_trips, n = cand.shape
    total = durations.sum()
    found = False
    best_gain = 0.0
    best_delta = 0.0
    best_d = -1
    best_k = -1
    best_u = -1
    best_pos = -1
    c1 = np.empty(n)
    c2 = np.empty(n)
    c3 = np.empty(n)
    e1 = np.empty(n, dtype=np.int64)
    e2 = np.empty(n, dtype=np.int64)
    e3 = np.empty(n, dtype=np.int64)
    for d in range(num_trips):
        length = lengths[d]
        if length < 3:
            continue
        for u in range(n):
            c1[u] = _INF
            c2[u] = _INF
            c3[u] = _INF
            e1[u] = -1
            e2[u] = -1
            e3[u] = -1
        # The three cheapest edges per POI: removing one vertex destroys only two edges.
        for e in range(length - 1):
            a = routes[d, e]
            b = routes[d, e + 1]
            base = cost[a, b]
            for u in range(n):
                if visited[u] or not cand[d, u]:
                    continue
                c = cost[a, u] + cost[u, b] - base
                if c < c1[u]:
                    c3[u] = c2[u]
                    e3[u] = e2[u]
                    c2[u] = c1[u]
                    e2[u] = e1[u]
                    c1[u] = c
                    e1[u] = e
                elif c < c2[u]:
                    c3[u] = c2[u]
                    e3[u] = e2[u]
                    c2[u] = c
                    e2[u] = e
                elif c < c3[u]:
                    c3[u] = c
                    e3[u] = e
        slack_total = total_limit - (total - durations[d])
        for k in range(1, length - 1):
            v = routes[d, k]
            if mandatory[v]:
                continue
            a = routes[d, k - 1]
            b = routes[d, k + 1]
            saving = cost[a, v] + cost[v, b] - cost[a, b]
            base_dur = durations[d] - saving
            for u in range(n):
                if visited[u] or not cand[d, u]:
                    continue
                gain = scores[u] - scores[v]
                if gain < -1e-12 or (found and gain < best_gain - 1e-12):
                    continue
                if e1[u] != k - 1 and e1[u] != k:
                    c = c1[u]
                    e = e1[u]
                elif e2[u] != k - 1 and e2[u] != k:
                    c = c2[u]
                    e = e2[u]
                else:
                    c = c3[u]
                    e = e3[u]
                bridge = cost[a, u] + cost[u, b] - cost[a, b]
                if bridge < c:
                    c = bridge
                    spot = k - 1
                elif e < 0:
                    continue
                else:
                    spot = e if e < k - 1 else e - 1
                new_dur = base_dur + c
                if not new_dur <= limits[d] or new_dur > slack_total:
                    continue
                delta = new_dur - durations[d]
                if gain <= 1e-9 and delta >= -1e-7:
                    continue
                if not found or gain > best_gain + 1e-12 or (gain >= best_gain - 1e-12 and delta < best_delta):
                    found = True
                    best_gain = gain
                    best_delta = delta
                    best_d = d
                    best_k = k
                    best_u = u
                    best_pos = spot
    if not found:
        return -1
    d = best_d
    old = routes[d].copy()
    old_len = lengths[d]
    _delete(routes, lengths, d, best_k)
    _insert(routes, lengths, d, best_pos + 1, best_u)
    clock, driven = _timing(travel, service, routes, d, lengths[d])
    if clock > limits[d] or total - durations[d] + clock > total_limit:
        routes[d] = old
        lengths[d] = old_len
        return -1
    visited[old[best_k]] = False
    visited[best_u] = True
    durations[d] = clock
    travels[d] = driven
    return d


@njit(cache=True)
def improve(
    travel,
    service,
    cost,
    scores,
    weights,
    cand,
    mandatory,
    limits,
    total_limit,
    symmetric,
    routes,
    lengths,
    durations,
    travels,
    visited,
    tabu,
    use_tabu,
    noise,
    seed,
    changed_in,
):  # pragma: no cover - compiled
    """Fill, then alternate 2-opt, relocate and replace with refilling until stable."""
    num_trips, n = cand.shape
    all_trips = np.ones(num_trips, dtype=np.bool_)
    no_tabu = np.zeros(n, dtype=np.bool_)
    changed = changed_in.copy()
    if use_tabu:
        changed |= fill(
            travel,
            service,
            cost,
            weights,
            scores,
            cand,
            tabu,
            mandatory,
            limits,
            total_limit,
            routes,
            lengths,
            durations,
            travels,
            visited,
            noise,
            seed,
            all_trips,
        )
        if symmetric:
            for d in range(num_trips):
                if changed[d]:
                    two_opt(travel, service, routes, lengths, durations, travels, d)
    changed |= fill(
        travel,
        service,
        cost,
        weights,
        scores,
        cand,
        no_tabu,
        mandatory,
        limits,
        total_limit,
        routes,
        lengths,
        durations,
        travels,
        visited,
        noise,
        seed + 1,
        all_trips,
    )
    for _ in range(20):
        for d in range(num_trips):
            if changed[d]:
                if symmetric:
                    two_opt(travel, service, routes, lengths, durations, travels, d)
                or_opt(travel, service, routes, lengths, durations, travels, d)
        changed[:] = False
        a, b = relocate(travel, service, cost, cand, limits, total_limit, routes, lengths, durations, travels)
        if a >= 0:
            changed[a] = True
            changed[b] = True
        else:
            d = replace(
                travel,
                service,
                cost,
                scores,
                cand,
                visited,
                mandatory,
                limits,
                total_limit,
                routes,
                lengths,
                durations,
                travels,
            )
            if d >= 0:
                changed[d] = True
        if not changed.any():
            break
        changed |= fill(
            travel,
            service,
            cost,
            scores,
            scores,
            cand,
            no_tabu,
            mandatory,
            limits,
            total_limit,
            routes,
            lengths,
            durations,
            travels,
            visited,
            0.0,
            seed,
            all_trips,
        )


@njit(cache=True)
def pair_fills(
    travel, service, cost, scores, cand_d, mandatory, limit, total_limit, pair_i, pair_j
):  # pragma: no cover - compiled
    """Greedy single-trip fill between each hotel pair ``(pair_i[p], pair_j[p])``.

    Returns the score of each fill and the ``(P, n)`` mask of the POIs it visits.
    """
    n = cand_d.shape[0]
    num = pair_i.shape[0]
    values = np.zeros(num)
    visited = np.zeros((num, n), dtype=np.bool_)
    cand = np.empty((1, n), dtype=np.bool_)  # a copy: the row may come from a non-contiguous array
    cand[0] = cand_d
    tabu = np.zeros(n, dtype=np.bool_)
    limits = np.full(1, limit)
    mask = np.ones(1, dtype=np.bool_)
    routes = np.zeros((1, n + 2), dtype=np.int64)
    lengths = np.zeros(1, dtype=np.int64)
    durations = np.zeros(1)
    travels = np.zeros(1)
    for p in range(num):
        routes[0, 0] = pair_i[p]
        routes[0, 1] = pair_j[p]
        lengths[0] = 2
        durations[0], travels[0] = _timing(travel, service, routes, 0, 2)
        fill(
            travel, service, cost, scores, scores, cand, tabu, mandatory, limits, total_limit,
            routes, lengths, durations, travels, visited[p], 0.0, 0, mask,
        )  # fmt: skip
        total = 0.0
        for k in range(1, lengths[0] - 1):
            total += scores[routes[0, k]]
        values[p] = total
    return values, visited
