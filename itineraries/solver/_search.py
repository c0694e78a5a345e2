"""Iterated local search on a tour.

Each iteration shakes a copy of the current tour (remove a segment, random POIs, a spatial
cluster or a whole trip, or change one or two consecutive nights' hotels), repairs it with
:func:`improve` (greedy refill that first skips the POIs just removed, 2-opt, or-opt, relocate,
replace, shift-insert) and accepts it by record-to-record travel: any tour within ``ACCEPT`` of the
best may become the current one. When the walk stalls, a hotel descent tries every single-night
change of the best tour near its current towns.
"""

from __future__ import annotations

import math
import time

import numpy as np

from itineraries.solver._hotels import HotelGraph
from itineraries.solver._model import Model
from itineraries.solver._moves import (
    Solution,
    change_hotel,
    change_hotels,
    improve,
    shake_clear,
    shake_random,
    shake_segments,
    shake_spatial,
)

# Tuned on SET1 (see benchmarks/ophs.py).
_NOISES = (0.0, 0.0, 0.1, 0.3)  # random perturbation of the greedy ratio during refills
_POWERS = (1.0, 1.0, 1.5, 2.0)  # score exponent in the greedy ratio
ACCEPT = 3.0  # record-to-record deviation, in average scores of the POIs in the best tour
RESTART = 300  # iterations without a new best before walking on from the best again
FRESH = 1200  # ... and before starting over from the initial construction
HOTEL = 0.2  # probability of a hotel-change shake (final search only)
CLEAR = 0.1  # probability of emptying a whole trip
FRESH_NOISE = 0.3  # noise of the greedy ratio when starting over
DESCENT_WIDTH = 12  # towns tried per night by the hotel descent
DOUBLE = 0.5  # share of hotel-change shakes that change two consecutive nights


class Search:
    """Resumable iterated local search from one starting tour.

    Parameters
    ----------
    model, graph
        The problem and its hotel graph.
    sol
        Starting tour (feasible, with every mandatory POI).
    rng
        Random generator owned by this search.
    clock_start
        ``time.perf_counter()`` at the start of the solver run, for ``best_time``.
    """

    def __init__(
        self, model: Model, graph: HotelGraph, sol: Solution, rng: np.random.Generator, clock_start: float
    ) -> None:
        self.model = model
        self.graph = graph
        self.rng = rng
        self.current = sol
        self.origin = sol.copy()
        self.best = sol.copy()
        self.strength = 1
        self.stall = 0
        self.iterations = 0
        self.clock_start = clock_start
        self.best_time = time.perf_counter() - clock_start
        self.nights = model.num_trips if model.data.end is None else model.num_trips - 1
        self.deadline = math.inf
        self.weights = [model.scores**power for power in _POWERS]
        self.descended: tuple[float, float] | None = None

    def run(
        self,
        iterations: int,
        deadline: float,
        *,
        hotel_moves: bool,
        max_stall: int | None = None,
        bound: float = math.inf,
    ) -> None:
        """Run up to ``iterations`` iterations, stopping at ``deadline``, after ``max_stall``
        iterations without improving the best tour, or when ``bound`` is reached."""
        self.deadline = deadline
        for _ in range(iterations):
            if self.best.objective >= bound - 1e-9 or time.perf_counter() >= deadline:
                return
            if max_stall is not None and self.stall >= max_stall:
                return
            self._step(hotel_moves)

    def _step(self, hotel_moves: bool) -> None:
        model = self.model
        rng = self.rng
        self.iterations += 1
        cand = self.current.copy()
        roll = rng.random()
        changed: set[int] | None = None
        hotel_move = False
        if hotel_moves and self.nights > 0 and roll < HOTEL:
            changed = self._hotel_shake(cand)
            hotel_move = changed is not None
        if changed is None and roll > 1.0 - CLEAR:
            changed = shake_clear(model, cand, rng)
        if changed is None:
            if roll < 0.35:
                changed = shake_segments(model, cand, rng, self.strength)
            elif roll < 0.7:
                changed = shake_spatial(model, cand, rng, self.strength)
            else:
                changed = shake_random(model, cand, rng, self.strength)
        noise = _NOISES[int(rng.integers(len(_NOISES)))]
        removed = self.current.visited & ~cand.visited
        weights = self.weights[int(rng.integers(len(_POWERS)))]
        improve(model, cand, rng, changed, noise, tabu=removed if rng.random() < 0.7 else None, weights=weights)
        if cand.missing_mandatory(model).size:
            return
        key = cand.key()
        if key > self.best.key():
            self.best = cand.copy()
            self.best_time = time.perf_counter() - self.clock_start
            self.stall = 0
        else:
            self.stall += 1
        if key > self.current.key():
            self.current = cand
            self.strength = 1
        else:
            self.strength += 1
            visited = sum(len(t) - 2 for t in self.current.trips)
            if self.strength > max(1, math.ceil(visited / model.num_trips * 0.6)):
                self.strength = 1
            # Record-to-record travel: walk on from tours close to the best to escape local optima
            # (but only move to another hotel sequence when that pays at once).
            near = cand.objective >= self.best.objective - self._deviation()
            if near and not hotel_move:
                self.current = cand
        if self.stall and self.stall % FRESH == 0:
            # Long stagnation: the walk is trapped around the best tour; start over.
            self.current = self._fresh() if FRESH_NOISE > 0 else self.origin.copy()
        elif self.stall and self.stall % RESTART == 0:
            self.current = self._hotel_descent() if hotel_moves and self.nights > 0 else self.best.copy()

    def _hotel_descent(self) -> Solution:
        """Try every single-night hotel change of the best tour (the ``DESCENT_WIDTH`` towns
        nearest to each current one), each refilled deterministically; return the best result.

        Random hotel shakes find the one good change among ~20 towns x nights only by luck; once
        per best tour, when the walk stalls, they are all tried. An improvement becomes the best
        tour (walking on from a worse neighbour instead was tried: it loses more than it finds).
        """
        model = self.model
        base = self.best
        if self.descended == base.key():
            return base.copy()
        self.descended = base.key()
        leg = self.graph.leg
        position = self.graph.position
        found: Solution | None = None
        for night in range(self.nights):
            options = self.graph.neighbours(base.hotels, night)
            if len(options) > DESCENT_WIDTH:
                here = position[base.hotels[night + 1]]
                where = position[np.asarray(options)]
                nearest = np.argsort(leg[here, where] + leg[where, here], kind="stable")[:DESCENT_WIDTH]
                options = [options[int(k)] for k in nearest]
            for hotel in options:
                if time.perf_counter() >= self.deadline:
                    break
                cand = base.copy()
                changed = change_hotel(model, cand, night, hotel)
                if changed is None:
                    continue
                improve(model, cand, None, changed, 0.0)
                if cand.missing_mandatory(model).size:
                    continue
                if found is None or cand.key() > found.key():
                    found = cand
        if found is None:
            return base.copy()
        if found.key() > base.key():
            self.best = found.copy()
            self.best_time = time.perf_counter() - self.clock_start
            self.stall = 0
            return found
        return base.copy()

    def _deviation(self) -> float:
        """How much worse than the best a tour may be and still be walked on from.

        A few average POIs' worth: a fixed fraction of the objective would let long tours
        wander off far and keep short tours from moving at all.
        """
        visited = max(1, sum(len(t) - 2 for t in self.best.trips))
        return ACCEPT * abs(self.best.score) / visited

    def _fresh(self) -> Solution:
        """A new randomised greedy tour through the best tour's hotels."""
        model = self.model
        sol = Solution.empty(model, self.best.hotels)
        weights = self.weights[int(self.rng.integers(len(_POWERS)))]
        improve(model, sol, self.rng, set(range(model.num_trips)), FRESH_NOISE, weights=weights)
        if sol.missing_mandatory(model).size:
            return self.origin.copy()
        return sol

    def _hotel_shake(self, cand: Solution) -> set[int] | None:
        rng = self.rng
        if self.nights >= 2 and rng.random() < DOUBLE:
            return self._double_hotel_shake(cand)
        night = int(rng.integers(self.nights))
        options = self.graph.neighbours(cand.hotels, night)
        if not options:
            return None
        hotel = options[int(rng.integers(len(options)))]
        return change_hotel(self.model, cand, night, hotel)

    def _double_hotel_shake(self, cand: Solution) -> set[int] | None:
        """Change two consecutive nights at once: moving the night base one area on often needs
        both (one change alone leaves a day that cannot reach its next hotel, or a poor one)."""
        rng = self.rng
        graph = self.graph
        hotels = cand.hotels
        night = int(rng.integers(self.nights - 1))
        firsts = graph.successors(night, hotels[night])
        if not firsts:
            return None
        first = firsts[int(rng.integers(len(firsts)))]
        seconds = [
            h
            for h in graph.successors(night + 1, first)
            if night + 2 >= self.model.num_trips
            or graph.direct[night + 2][graph.position[h], graph.position[hotels[night + 3]]]
        ]
        if not seconds:
            return None
        second = seconds[int(rng.integers(len(seconds)))]
        if (first, second) == (hotels[night + 1], hotels[night + 2]):
            return None
        return change_hotels(self.model, cand, night, [first, second])
