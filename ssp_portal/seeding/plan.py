"""How many rows of each kind a scale asks for, and how a total is shared out."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

# Scale 1: the whole of Kyrgyzstan.
COUNTRY = {
    "municipalities": 50,
    "organizations": 2_000,
    "competitions": 1_000,
    "applications": 20_000,
    "score_sheets": 30_000,
    "projects": 5_000,
    "reports": 30_000,
}


@dataclass(frozen=True)
class Counts:
    """The rows the seeding adds, of the kinds whose numbers are asked for."""

    municipalities: int
    organizations: int
    competitions: int
    applications: int
    score_sheets: int
    projects: int
    reports: int

    @classmethod
    def at(cls, scale: float) -> Counts:
        if scale <= 0:
            raise ValueError("The scale must be more than zero.")
        return cls(**{name: max(1, round(total * scale)) for name, total in COUNTRY.items()})

    def as_dict(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def allocate(total: int, weights: list[float], minimums: list[int] | None = None) -> list[int]:
    """``total`` shared out in proportion to ``weights`` (largest remainders), each share at least
    its minimum. Raises ValueError when the minimums alone exceed the total."""
    minimums = minimums or [0] * len(weights)
    left = total - sum(minimums)
    if left < 0:
        raise ValueError(f"{total} cannot be shared out with minimums adding up to {sum(minimums)}.")
    weight_sum = sum(weights)
    if weight_sum <= 0:
        if left:
            raise ValueError(f"{left} left to share out with no weight to share it by.")
        return list(minimums)
    exact = [left * weight / weight_sum for weight in weights]
    shares = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: left - sum(shares)]:
        shares[i] += 1
    return [share + minimum for share, minimum in zip(shares, minimums, strict=True)]


def allocate_capped(total: int, capacities: list[int]) -> list[int]:
    """``total`` shared out in proportion to ``capacities``, none above its capacity."""
    if total > sum(capacities):
        raise ValueError(f"{total} does not fit in capacities adding up to {sum(capacities)}.")
    shares = allocate(total, [float(c) for c in capacities]) if total else [0] * len(capacities)
    shares = [min(share, capacity) for share, capacity in zip(shares, capacities, strict=True)]
    for i, capacity in enumerate(capacities):
        extra = min(capacity - shares[i], total - sum(shares))
        shares[i] += extra
    return shares


def by_mix(total: int, mix: dict[str, float], at_least_one: bool = True) -> list[str]:
    """``total`` values of ``mix``'s keys in proportion to its weights, each key at least once
    when ``total`` allows it, in a fixed order (the caller shuffles)."""
    keys = list(mix)
    minimum = 1 if at_least_one and total >= len(keys) else 0
    shares = allocate(total, [mix[key] for key in keys], [minimum] * len(keys))
    return [key for key, share in zip(keys, shares, strict=True) for _ in range(share)]
