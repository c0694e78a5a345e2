"""Outcome of an OPHS solver run."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Result"]


@dataclass(frozen=True)
class Result:
    """Best tour found by :func:`itineraries.solver.solve`, with run statistics.

    Attributes
    ----------
    trips
        One vertex list per trip, each starting and ending at a hotel; trip ``d`` ends where
        trip ``d + 1`` starts. Empty when no feasible tour was found.
    trip_durations
        Duration (travel + service + waiting) of each trip.
    trip_travel_times
        Travel (driving) time of each trip.
    score
        Sum of the scores of the POIs visited.
    objective
        ``score`` minus the hotel penalties; what the solver maximises.
    feasible
        Whether ``trips`` is a feasible tour. The solver never returns an infeasible tour: when
        it finds none, ``trips`` is empty and ``reasons`` says why.
    reasons
        Why no feasible tour was found (empty when ``feasible``).
    unplaced_mandatory
        Mandatory POIs that could not be placed, each with the reason.
    runtime
        Wall-clock seconds spent.
    iterations
        Local-search iterations performed.
    best_found_time
        Seconds after the start when the returned tour was found.
    seed
        Random seed used.
    hotel_sequences
        Number of hotel sequences constructed and evaluated.
    """

    trips: list[list[int]]
    trip_durations: list[float]
    trip_travel_times: list[float]
    score: float
    objective: float
    feasible: bool
    reasons: list[str] = field(default_factory=list)
    unplaced_mandatory: dict[int, str] = field(default_factory=dict)
    runtime: float = 0.0
    iterations: int = 0
    best_found_time: float = 0.0
    seed: int = 0
    hotel_sequences: int = 0

    @property
    def hotel_sequence(self) -> list[int]:
        """The hotels the tour stays at: start, each night's hotel, end."""
        if not self.trips:
            return []
        return [self.trips[0][0], *(trip[-1] for trip in self.trips)]

    def summary(self) -> str:
        """Multi-line human-readable summary."""
        if not self.feasible:
            lines = ["no feasible tour found:"]
            lines += [f"  - {reason}" for reason in self.reasons]
            return "\n".join(lines)
        lines = [
            f"score {self.score:g} (objective {self.objective:g}), {len(self.trips)} trips, "
            f"hotels {' -> '.join(map(str, self.hotel_sequence))}",
        ]
        for d, (trip, dur) in enumerate(zip(self.trips, self.trip_durations, strict=True)):
            lines.append(f"  trip {d + 1}: length {dur:.4f}: {' '.join(map(str, trip))}")
        lines.append(
            f"{self.runtime:.2f} s, {self.iterations} iterations, best found after "
            f"{self.best_found_time:.2f} s, seed {self.seed}"
        )
        return "\n".join(lines)
