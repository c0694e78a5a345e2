"""Hotel-sequence pre-computation: the compiled k-best merge against plain enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from itineraries.solver._hotels import HotelGraph, _k_best, best_sequences, pair_values
from itineraries.solver._model import Model
from tests.itineraries._instances import random_instance


@pytest.mark.parametrize("seed", range(5))
def test_k_best_lists_are_the_best_sequences_by_summed_gain(seed: int) -> None:
    rng = np.random.default_rng(seed)
    num_trips, size, width = 4, 5, 7
    gain = rng.integers(0, 6, size=(num_trips, size, size)).astype(float)  # ties on purpose
    gain[rng.random(gain.shape) < 0.3] = -np.inf  # pairs that cannot form a trip
    leg = rng.uniform(1.0, 2.0, size=(size, size))
    value, duration, count, parent, rank = _k_best(gain, leg, 0, width)
    for end in range(size):
        every = []
        for middle in itertools.product(range(size), repeat=num_trips - 1):
            seq = (0, *middle, end)
            total = sum(gain[d, seq[d], seq[d + 1]] for d in range(num_trips))
            if total > -np.inf:
                every.append((total, seq))
        every.sort(key=lambda item: -item[0])
        assert count[end] == min(width, len(every))
        assert value[end, : count[end]].tolist() == [total for total, _ in every[: count[end]]]
        for r in range(count[end]):
            # Rebuild the sequence from the back-pointers: it must have the listed value and duration.
            seq, e, k = [end], end, r
            for d in range(num_trips - 1, -1, -1):
                e, k = int(parent[d, e, k]), int(rank[d, e, k])
                seq.append(e)
            seq.reverse()
            assert seq[0] == 0
            assert sum(gain[d, seq[d], seq[d + 1]] for d in range(num_trips)) == value[end, r]
            assert sum(leg[seq[d], seq[d + 1]] for d in range(num_trips)) == pytest.approx(duration[end, r])


def test_best_sequences_are_feasible_hotel_sequences() -> None:
    data = random_instance(3, num_pois=8, num_hotels=4, num_trips=3)
    model = Model(data)
    graph = HotelGraph(model)
    values = pair_values(model, graph)
    sequences = best_sequences(model, graph, values, k=10)
    assert sequences
    for _, seq in sequences:
        assert seq[0] == data.start and seq[-1] == data.end
        for d in range(data.num_trips):
            assert (seq[d], seq[d + 1]) in values[d]
    estimates = [u for u, _ in sequences]
    assert estimates == sorted(estimates, reverse=True)
