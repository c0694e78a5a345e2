"""Compiled local-search kernels for trips with time windows, service times and travel limits.

The general counterpart of :mod:`itineraries.solver._kernels` (which stays the fast path for
trips with neither time windows nor travel limits, where moves have O(1) deltas). Routes use the
same packed layout: ``routes[d, :lengths[d]]`` is trip ``d``, hotels included.

Insertion uses the classic forward time slack (Savelsbergh): one pass over a trip gives, for each
of its vertices, how far its start of service may be delayed without breaking a later window or
the trip limit, so every (vertex, edge) insertion is tested in O(1) with waiting absorbed.
Intra-trip moves (2-opt, or-opt) and moves between trips (relocate, replace) re-time each candidate
route from scratch: real trips visit few places a day, so exact re-timing is cheap and handles
asymmetric travel times and waiting without special cases.

Every kernel re-times a changed trip with :func:`timing`, which adds ``service[a] + travel[a, b]``
and waits for opening exactly like the independent checker, and undoes a move whose exact timing
breaks a rule, so round-off can never let an infeasible trip through. Intra-trip moves minimise
the trip's duration and driving, each relative to its limit (whichever binds, both free room).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_EPS = 1e-9
_INF = np.inf


@njit(cache=True)
def timing(travel, service, open_d, close_d, route, length):  # pragma: no cover - compiled
    """Duration, driving time and time-window feasibility of ``route[:length]``."""
    clock = 0.0
    driven = 0.0
    ok = True
    for k in range(length - 1):
        a = route[k]
        b = route[k + 1]
        leg = travel[a, b]
        driven += leg
        clock += service[a] + leg
        if clock < open_d[b]:
            clock = open_d[b]
        if clock > close_d[b]:
            ok = False
    return clock, driven, ok


@njit(cache=True)
def _feasible(clock, driven, ok, limit, travel_limit):  # pragma: no cover - compiled
    return ok and clock < _INF and clock <= limit and driven <= travel_limit


@njit(cache=True)
def _effort(clock, driven, limit, travel_limit):  # pragma: no cover - compiled
    """What intra-trip moves minimise: duration and driving, each as a share of its limit."""
    value = clock / limit if limit > 0.0 and limit < _INF else clock
    if travel_limit < _INF and travel_limit > 0.0:
        value += driven / travel_limit
    return value


@njit(cache=True)
def schedule(
    travel, service, open_d, close_d, limit, route, length, arrive, begin, room, wait_after
):  # pragma: no cover - compiled
    """Forward pass over ``route[:length]``; returns the driving time.

    Fills ``arrive[k]`` and ``begin[k]`` (arrival and start of service at ``route[k]``),
    ``room[k]``: how much later than now the trip may arrive at ``route[k]`` (its waiting plus the
    largest delay of its start of service that keeps every later window and the trip limit; a
    delay is first absorbed by the waiting before later vertices), and ``wait_after[k]``: the
    waiting from ``route[k]`` on, which an arrival delay there absorbs before lengthening the trip.
    """
    clock = 0.0
    driven = 0.0
    arrive[0] = 0.0
    begin[0] = 0.0
    for k in range(1, length):
        a = route[k - 1]
        b = route[k]
        leg = travel[a, b]
        driven += leg
        clock += service[a] + leg
        arrive[k] = clock
        if clock < open_d[b]:
            clock = open_d[b]
        begin[k] = clock
    slack = limit - begin[length - 1]
    room[length - 1] = begin[length - 1] - arrive[length - 1] + slack
    for k in range(length - 2, 0, -1):
        s = close_d[route[k]] - begin[k]
        if room[k + 1] < s:
            s = room[k + 1]
        room[k] = begin[k] - arrive[k] + s
    room[0] = 0.0
    wait_after[length] = 0.0
    for k in range(length - 1, -1, -1):
        wait_after[k] = wait_after[k + 1] + begin[k] - arrive[k]
    return driven


@njit(cache=True)
def _schedules(travel, service, opens, closes, limits, travel_limits, routes, lengths):  # pragma: no cover
    """:func:`schedule` of every trip: ``arrive``, ``begin``, ``room``, ``wait_after`` and driving room."""
    num_trips, cap = routes.shape
    arrive = np.empty((num_trips, cap))
    begin = np.empty((num_trips, cap))
    room = np.empty((num_trips, cap))
    wait_after = np.empty((num_trips, cap + 1))
    drive_room = np.empty(num_trips)
    for b in range(num_trips):
        driven = schedule(
            travel, service, opens[b], closes[b], limits[b], routes[b], lengths[b],
            arrive[b], begin[b], room[b], wait_after[b],
        )  # fmt: skip
        drive_room[b] = travel_limits[b] - driven
    return arrive, begin, room, wait_after, drive_room


@njit(cache=True)
def _spot(
    travel, service, open_d, close_d, drive_room, route, length, begin, arrive, room, p
):  # pragma: no cover - compiled
    """Cheapest feasible insertion of ``p`` into a scheduled route: (time consumed, edge) or (inf, -1)."""
    best = _INF
    where = -1
    for k in range(length - 1):
        a = route[k]
        b = route[k + 1]
        t_ap = travel[a, p]
        start = begin[k] + service[a] + t_ap
        if start < open_d[p]:
            start = open_d[p]
        if not start <= close_d[p]:
            continue
        t_pb = travel[p, b]
        shift = start + service[p] + t_pb - arrive[k + 1]
        if not shift <= room[k + 1] or shift >= best:
            continue
        if t_ap + t_pb - travel[a, b] > drive_room:
            continue
        best = shift
        where = k
    return best, where


@njit(cache=True)
def table(
    travel, service, open_d, close_d, limit, travel_limit, route, length, allowed, cst, inc, pos
):  # pragma: no cover - compiled
    """Cheapest feasible insertion of every ``allowed`` vertex into ``route[:length]``.

    Fills ``cst[p]`` (time consumed at the insertion point, waiting included: the greedy
    ratio's denominator), ``inc[p]`` (resulting increase of the trip duration) and ``pos[p]``
    (insert after ``route[pos[p]]``); ``inf`` / ``-1`` where no position is feasible.
    """
    n = cst.shape[0]
    arrive = np.empty(length)
    begin = np.empty(length)
    room = np.empty(length)
    wait_after = np.empty(length + 1)
    driven = schedule(travel, service, open_d, close_d, limit, route, length, arrive, begin, room, wait_after)
    drive_room = travel_limit - driven
    for p in range(n):
        cst[p] = _INF
        inc[p] = _INF
        pos[p] = -1
    for k in range(length - 1):
        a = route[k]
        b = route[k + 1]
        depart = begin[k] + service[a]
        limit_k = room[k + 1]
        if limit_k < 0.0:
            continue
        base = travel[a, b]
        arrive_b = arrive[k + 1]
        for p in range(n):
            if not allowed[p]:
                continue
            t_ap = travel[a, p]
            start = depart + t_ap
            if start < open_d[p]:
                start = open_d[p]
            if not start <= close_d[p]:
                continue
            t_pb = travel[p, b]
            shift = start + service[p] + t_pb - arrive_b
            if not shift <= limit_k or shift >= cst[p]:
                continue
            if t_ap + t_pb - base > drive_room:
                continue
            cst[p] = shift
            pos[p] = k
    for p in range(n):
        if pos[p] >= 0:
            grow = cst[p] - wait_after[pos[p] + 1]
            inc[p] = grow if grow > 0.0 else 0.0


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
def _without(route, length, k, buf):  # pragma: no cover - compiled
    """Copy ``route[:length]`` without its entry ``k`` into ``buf``."""
    m = 0
    for t in range(length):
        if t != k:
            buf[m] = route[t]
            m += 1


@njit(cache=True)
def _with(route, length, where, vertex, buf):  # pragma: no cover - compiled
    """Copy ``route[:length]`` with ``vertex`` after its entry ``where`` into ``buf``; return the new length."""
    m = 0
    for t in range(length):
        buf[m] = route[t]
        m += 1
        if t == where:
            buf[m] = vertex
            m += 1
    return m


@njit(cache=True)
def _retime(travel, service, opens, closes, limits, travel_limits, routes, lengths, d):  # pragma: no cover
    clock, driven, ok = timing(travel, service, opens[d], closes[d], routes[d], lengths[d])
    return clock, driven, _feasible(clock, driven, ok, limits[d], travel_limits[d])


@njit(cache=True)
def fill(
    travel,
    service,
    opens,
    closes,
    weights,
    cand,
    tabu,
    mandatory,
    limits,
    travel_limits,
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
    cst = np.full((num_trips, n), _INF)
    inc = np.full((num_trips, n), _INF)
    pos = np.full((num_trips, n), -1, dtype=np.int64)
    allowed = np.empty((num_trips, n), dtype=np.bool_)
    for d in range(num_trips):
        for p in range(n):
            allowed[d, p] = cand[d, p] and not tabu[p] and not visited[p]
    for d in range(num_trips):
        if trip_mask[d]:
            table(
                travel, service, opens[d], closes[d], limits[d], travel_limits[d],
                routes[d], lengths[d], allowed[d], cst[d], inc[d], pos[d],
            )  # fmt: skip
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
            for p in range(n):
                c = cst[d, p]
                if c == _INF or visited[p] or not allowed[d, p]:
                    continue
                if total + inc[d, p] > total_limit:
                    continue
                if mandatory[p]:
                    if not must or c < must_cost:
                        must = True
                        must_cost = c
                        best_d = d
                        best_p = p
                elif not must:
                    ratio = weights[p] / ((c if c > 0.0 else 0.0) + _EPS)
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
        clock, driven, ok = _retime(travel, service, opens, closes, limits, travel_limits, routes, lengths, d)
        if not ok or total - durations[d] + clock > total_limit:
            # The slack estimate was off by round-off: undo and never retry this pair.
            _delete(routes, lengths, d, index)
            cst[d, p] = _INF
            continue
        durations[d] = clock
        travels[d] = driven
        visited[p] = True
        changed[d] = True
        for e in range(num_trips):
            allowed[e, p] = False
        table(
            travel, service, opens[d], closes[d], limits[d], travel_limits[d],
            routes[d], lengths[d], allowed[d], cst[d], inc[d], pos[d],
        )  # fmt: skip
    return changed


@njit(cache=True)
def _try_route(travel, service, open_d, close_d, limit, travel_limit, buf, length, best):  # pragma: no cover
    """Effort of ``buf[:length]`` if it is feasible and better than ``best``, else ``best``."""
    clock, driven, ok = timing(travel, service, open_d, close_d, buf, length)
    if not _feasible(clock, driven, ok, limit, travel_limit):
        return best, False
    value = _effort(clock, driven, limit, travel_limit)
    if value < best - 1e-12:
        return value, True
    return best, False


@njit(cache=True)
def intra(
    travel, service, opens, closes, limits, travel_limits, routes, lengths, durations, travels, d
):  # pragma: no cover - compiled
    """Best-improvement 2-opt and or-opt (segments of 1-3 POIs, either direction) on trip ``d``.

    Returns whether the trip changed. A move must lower the trip's effort (see module notes)
    and must not lengthen it beyond the total limit's reach: the duration may grow only when the
    driving shrinks more, in shares of their limits.
    """
    length = lengths[d]
    if length < 4:
        return False
    open_d = opens[d]
    close_d = closes[d]
    limit = limits[d]
    travel_limit = travel_limits[d]
    route = routes[d, :length].copy()
    buf = np.empty(length, dtype=routes.dtype)
    best_route = np.empty(length, dtype=routes.dtype)
    current = _effort(durations[d], travels[d], limit, travel_limit)
    improved = False
    while True:
        best = current
        found = False
        # 2-opt: reverse route[i:j + 1].
        for i in range(1, length - 2):
            for j in range(i + 1, length - 1):
                for t in range(length):
                    buf[t] = route[t]
                lo = i
                hi = j
                while lo < hi:
                    tmp = buf[lo]
                    buf[lo] = buf[hi]
                    buf[hi] = tmp
                    lo += 1
                    hi -= 1
                best, better = _try_route(travel, service, open_d, close_d, limit, travel_limit, buf, length, best)
                if better:
                    found = True
                    best_route[:] = buf
        # or-opt: move route[i:i + size] after route[j] (j outside the segment), possibly reversed.
        for size in range(1, 4):
            for i in range(1, length - size):
                for j in range(length - 1):
                    if i - 1 <= j <= i + size - 1:
                        continue
                    for rev in range(2 if size > 1 else 1):
                        k = 0
                        for idx in range(length):
                            if i <= idx < i + size:
                                continue
                            buf[k] = route[idx]
                            k += 1
                            if idx == j:
                                for t in range(size):
                                    buf[k] = route[i + size - 1 - t] if rev else route[i + t]
                                    k += 1
                        best, better = _try_route(
                            travel, service, open_d, close_d, limit, travel_limit, buf, length, best
                        )
                        if better:
                            found = True
                            best_route[:] = buf
        if not found:
            break
        route[:] = best_route
        current = best
        improved = True
    if improved:
        clock, driven, ok = timing(travel, service, open_d, close_d, route, length)
        if _feasible(clock, driven, ok, limit, travel_limit):
            routes[d, :length] = route
            durations[d] = clock
            travels[d] = driven
            return True
    return False


@njit(cache=True)
def relocate(
    travel, service, opens, closes, cand, limits, travel_limits, total_limit, routes, lengths, durations, travels
):  # pragma: no cover - compiled
    """Move one POI to another trip where the two trips' summed effort drops most.

    Returns the pair of changed trips, or ``(-1, -1)``.
    """
    num_trips = cand.shape[0]
    if num_trips < 2:
        return -1, -1
    cap = routes.shape[1]
    buf_a = np.empty(cap, dtype=routes.dtype)
    buf_b = np.empty(cap, dtype=routes.dtype)
    arrive, begin, room, _, drive_room = _schedules(
        travel, service, opens, closes, limits, travel_limits, routes, lengths
    )
    effort = np.empty(num_trips)
    for b in range(num_trips):
        effort[b] = _effort(durations[b], travels[b], limits[b], travel_limits[b])
    total = durations.sum()
    best = 1e-7
    best_a = -1
    best_k = -1
    best_b = -1
    best_pos = -1
    for a in range(num_trips):
        la = lengths[a]
        for k in range(1, la - 1):
            v = routes[a, k]
            _without(routes[a], la, k, buf_a)
            clock_a, drive_a, ok = timing(travel, service, opens[a], closes[a], buf_a, la - 1)
            if not _feasible(clock_a, drive_a, ok, limits[a], travel_limits[a]):
                continue
            saving = effort[a] - _effort(clock_a, drive_a, limits[a], travel_limits[a])
            if saving <= best:
                continue
            for b in range(num_trips):
                if b == a or not cand[b, v]:
                    continue
                lb = lengths[b]
                _, where = _spot(
                    travel, service, opens[b], closes[b], drive_room[b], routes[b], lb, begin[b], arrive[b], room[b], v
                )
                if where < 0:
                    continue
                _with(routes[b], lb, where, v, buf_b)
                clock_b, drive_b, ok = timing(travel, service, opens[b], closes[b], buf_b, lb + 1)
                if not _feasible(clock_b, drive_b, ok, limits[b], travel_limits[b]):
                    continue
                if total - durations[a] - durations[b] + clock_a + clock_b > total_limit:
                    continue
                gain = saving - (_effort(clock_b, drive_b, limits[b], travel_limits[b]) - effort[b])
                if gain > best:
                    best = gain
                    best_a = a
                    best_k = k
                    best_b = b
                    best_pos = where
    if best_a < 0:
        return -1, -1
    a = best_a
    b = best_b
    v = routes[a, best_k]
    _delete(routes, lengths, a, best_k)
    _insert(routes, lengths, b, best_pos + 1, v)
    # Both routes were timed exactly above, so they are feasible.
    durations[a], travels[a], _ = _retime(travel, service, opens, closes, limits, travel_limits, routes, lengths, a)
    durations[b], travels[b], _ = _retime(travel, service, opens, closes, limits, travel_limits, routes, lengths, b)
    return a, b


@njit(cache=True)
def replace(
    travel,
    service,
    opens,
    closes,
    scores,
    cand,
    visited,
    mandatory,
    limits,
    travel_limits,
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
    cap = routes.shape[1]
    total = durations.sum()
    buf = np.empty(cap, dtype=routes.dtype)
    cst = np.empty(n)
    inc = np.empty(n)
    pos = np.empty(n, dtype=np.int64)
    free = np.empty(n, dtype=np.bool_)
    found = False
    best_gain = 0.0
    best_delta = 0.0
    best_d = -1
    best_k = -1
    best_u = -1
    best_pos = -1
    for d in range(num_trips):
        length = lengths[d]
        if length < 3:
            continue
        anything = False
        for u in range(n):
            free[u] = cand[d, u] and not visited[u]
            anything = anything or free[u]
        if not anything:
            continue
        slack_total = total_limit - (total - durations[d])
        for k in range(1, length - 1):
            v = routes[d, k]
            if mandatory[v]:
                continue
            _without(routes[d], length, k, buf)
            clock, driven, ok = timing(travel, service, opens[d], closes[d], buf, length - 1)
            if not _feasible(clock, driven, ok, limits[d], travel_limits[d]):
                continue
            table(
                travel, service, opens[d], closes[d], limits[d], travel_limits[d],
                buf, length - 1, free, cst, inc, pos,
            )  # fmt: skip
            for u in range(n):
                if pos[u] < 0:
                    continue
                gain = scores[u] - scores[v]
                if gain < -1e-12 or (found and gain < best_gain - 1e-12):
                    continue
                new_dur = clock + inc[u]
                if new_dur > slack_total:
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
                    best_pos = pos[u]
    if not found:
        return -1
    d = best_d
    old = routes[d].copy()
    old_len = lengths[d]
    _delete(routes, lengths, d, best_k)
    _insert(routes, lengths, d, best_pos + 1, best_u)
    clock, driven, ok = _retime(travel, service, opens, closes, limits, travel_limits, routes, lengths, d)
    if not ok or total - durations[d] + clock > total_limit:
        routes[d] = old
        lengths[d] = old_len
        return -1
    visited[old[best_k]] = False
    visited[best_u] = True
    durations[d] = clock
    travels[d] = driven
    return d


@njit(cache=True)
def shift_insert(
    travel,
    service,
    opens,
    closes,
    scores,
    cand,
    visited,
    limits,
    travel_limits,
    total_limit,
    routes,
    lengths,
    durations,
    travels,
):  # pragma: no cover - compiled
    """Move one visited POI to another trip so that an unvisited one fits where it was.

    A two-step ejection chain: relocation alone only accepts moves that save time, but on days
    full of long visits the point of moving a visit is often the room it leaves for another.
    Takes the highest-scoring inserted POI (then the shortest resulting tour). Returns the pair
    of changed trips, or ``(-1, -1)``.
    """
    num_trips, n = cand.shape
    if num_trips < 2:
        return -1, -1
    cap = routes.shape[1]
    buf = np.empty(cap, dtype=routes.dtype)
    buf_b = np.empty(cap, dtype=routes.dtype)
    arrive, begin, room, wait_after, drive_room = _schedules(
        travel, service, opens, closes, limits, travel_limits, routes, lengths
    )
    cst = np.empty(n)
    inc = np.empty(n)
    pos = np.empty(n, dtype=np.int64)
    free = np.empty(n, dtype=np.bool_)
    total = durations.sum()
    best_gain = 1e-9
    best_total = _INF
    best_a = -1
    best_k = -1
    best_b = -1
    best_spot = -1
    best_u = -1
    best_pos = -1
    for a in range(num_trips):
        la = lengths[a]
        anything = False
        for u in range(n):
            free[u] = cand[a, u] and not visited[u] and scores[u] >= best_gain
            anything = anything or free[u]
        if not anything:
            continue
        for k in range(1, la - 1):
            v = routes[a, k]
            # Where v could go: the cheapest feasible spot in each other trip.
            target = -1
            spot = -1
            clock_b = 0.0
            for b in range(num_trips):
                if b == a or not cand[b, v]:
                    continue
                c, where = _spot(
                    travel, service, opens[b], closes[b], drive_room[b], routes[b], lengths[b],
                    begin[b], arrive[b], room[b], v,
                )  # fmt: skip
                if where < 0:
                    continue
                grow = c - wait_after[b, where + 1]
                new_b = durations[b] + (grow if grow > 0.0 else 0.0)
                if target < 0 or new_b - durations[b] < clock_b - durations[target]:
                    target = b
                    spot = where
                    clock_b = new_b
            if target < 0:
                continue
            _without(routes[a], la, k, buf)
            clock_a, drive_a, ok = timing(travel, service, opens[a], closes[a], buf, la - 1)
            if not _feasible(clock_a, drive_a, ok, limits[a], travel_limits[a]):
                continue
            table(
                travel, service, opens[a], closes[a], limits[a], travel_limits[a],
                buf, la - 1, free, cst, inc, pos,
            )  # fmt: skip
            rest = total - durations[a] - durations[target] + clock_a + clock_b
            for u in range(n):
                if pos[u] < 0 or u == v:
                    continue
                new_total = rest + inc[u]
                if new_total > total_limit:
                    continue
                gain = scores[u]
                if gain > best_gain + 1e-12 or (gain >= best_gain - 1e-12 and new_total < best_total):
                    best_gain = gain
                    best_total = new_total
                    best_a = a
                    best_k = k
                    best_b = target
                    best_spot = spot
                    best_u = u
                    best_pos = pos[u]
    if best_a < 0:
        return -1, -1
    a = best_a
    b = best_b
    la = lengths[a]
    lb = lengths[b]
    v = routes[a, best_k]
    # Build both routes, time them exactly, and only then commit.
    m = 0
    for t in range(la):
        if t == best_k:
            continue
        buf[m] = routes[a, t]
        m += 1
        if m - 1 == best_pos:
            buf[m] = best_u
            m += 1
    m_b = _with(routes[b], lb, best_spot, v, buf_b)
    clock_a, drive_a, ok_a = timing(travel, service, opens[a], closes[a], buf, m)
    clock_b, drive_b, ok_b = timing(travel, service, opens[b], closes[b], buf_b, m_b)
    if not (
        _feasible(clock_a, drive_a, ok_a, limits[a], travel_limits[a])
        and _feasible(clock_b, drive_b, ok_b, limits[b], travel_limits[b])
        and total - durations[a] - durations[b] + clock_a + clock_b <= total_limit
    ):
        return -1, -1
    routes[a, :m] = buf[:m]
    lengths[a] = m
    routes[b, :m_b] = buf_b[:m_b]
    lengths[b] = m_b
    durations[a] = clock_a
    travels[a] = drive_a
    durations[b] = clock_b
    travels[b] = drive_b
    visited[best_u] = True
    return a, b


@njit(cache=True)
def improve(
    travel,
    service,
    opens,
    closes,
    scores,
    weights,
    cand,
    mandatory,
    limits,
    travel_limits,
    total_limit,
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
    """Fill, then alternate 2-opt/or-opt, relocate and replace with refilling until stable."""
    num_trips, n = cand.shape
    all_trips = np.ones(num_trips, dtype=np.bool_)
    no_tabu = np.zeros(n, dtype=np.bool_)
    changed = changed_in.copy()
    if use_tabu:
        changed |= fill(
            travel, service, opens, closes, weights, cand, tabu, mandatory, limits, travel_limits,
            total_limit, routes, lengths, durations, travels, visited, noise, seed, all_trips,
        )  # fmt: skip
        for d in range(num_trips):
            if changed[d]:
                intra(travel, service, opens, closes, limits, travel_limits, routes, lengths, durations, travels, d)
    changed |= fill(
        travel, service, opens, closes, weights, cand, no_tabu, mandatory, limits, travel_limits,
        total_limit, routes, lengths, durations, travels, visited, noise, seed + 1, all_trips,
    )  # fmt: skip
    for _ in range(20):
        for d in range(num_trips):
            if changed[d]:
                intra(travel, service, opens, closes, limits, travel_limits, routes, lengths, durations, travels, d)
        changed[:] = False
        a, b = relocate(
            travel, service, opens, closes, cand, limits, travel_limits, total_limit,
            routes, lengths, durations, travels,
        )  # fmt: skip
        if a >= 0:
            changed[a] = True
            changed[b] = True
        else:
            d = replace(
                travel, service, opens, closes, scores, cand, visited, mandatory, limits, travel_limits,
                total_limit, routes, lengths, durations, travels,
            )  # fmt: skip
            if d >= 0:
                changed[d] = True
            else:
                a, b = shift_insert(
                    travel, service, opens, closes, scores, cand, visited, limits, travel_limits,
                    total_limit, routes, lengths, durations, travels,
                )  # fmt: skip
                if a >= 0:
                    changed[a] = True
                    changed[b] = True
        if not changed.any():
            break
        changed |= fill(
            travel, service, opens, closes, scores, cand, no_tabu, mandatory, limits, travel_limits,
            total_limit, routes, lengths, durations, travels, visited, 0.0, seed, all_trips,
        )  # fmt: skip


@njit(cache=True)
def pair_fills(
    travel, service, open_d, close_d, scores, cand_d, mandatory, limit, travel_limit, total_limit, pair_i, pair_j
):  # pragma: no cover - compiled
    """Greedy single-trip fill between each hotel pair ``(pair_i[p], pair_j[p])``.

    Returns the score of each fill and the ``(P, n)`` mask of the POIs it visits.
    """
    n = cand_d.shape[0]
    num = pair_i.shape[0]
    values = np.zeros(num)
    visited = np.zeros((num, n), dtype=np.bool_)
    # Copies, not reshapes: the rows may come from non-contiguous arrays.
    cand = np.empty((1, n), dtype=np.bool_)
    cand[0] = cand_d
    opens = np.empty((1, n))
    opens[0] = open_d
    closes = np.empty((1, n))
    closes[0] = close_d
    tabu = np.zeros(n, dtype=np.bool_)
    limits = np.full(1, limit)
    travel_limits = np.full(1, travel_limit)
    mask = np.ones(1, dtype=np.bool_)
    routes = np.zeros((1, n + 2), dtype=np.int64)
    lengths = np.zeros(1, dtype=np.int64)
    durations = np.zeros(1)
    travels = np.zeros(1)
    for p in range(num):
        routes[0, 0] = pair_i[p]
        routes[0, 1] = pair_j[p]
        lengths[0] = 2
        durations[0], travels[0], _ = timing(travel, service, open_d, close_d, routes[0], 2)
        fill(
            travel, service, opens, closes, scores, cand, tabu, mandatory, limits, travel_limits, total_limit,
            routes, lengths, durations, travels, visited[p], 0.0, 0, mask,
        )  # fmt: skip
        total = 0.0
        for k in range(1, lengths[0] - 1):
            total += scores[routes[0, k]]
        values[p] = total
    return values, visited
