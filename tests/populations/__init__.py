"""Simulated athletes, healthy and concerning, for measuring the triage rules.

Issue 10 asks how the rules behave on realistic people, not only at their
thresholds. This package writes seeded, pure-Python logs (no database) of
148 days per athlete, as the plain records the rules read:

- log.py: the calendar, the records and the builder;
- healthy.py: healthy recreational athletes, each with habits of their own;
- patterns.py: the concerning patterns, each planted on a healthy-style
  athlete from a known day, with the rule and severity meant to catch it;
- daily.py, apart from the others: a year of days whose habits and episodes
  run in spells, for the statistics of triage/patterns.py (tests/test_patterns.py).

tests/population_run.py runs the rules over them the way the sweep does, and
bench/triage_quality.py prints what it finds.

An athlete is fixed by (seed, population, index): athlete 17 of a seed is the
same athlete however many others are simulated, so an example can be named
and looked at again (`simulate("healthy", 17, seed=2026)`).
"""

import random
from zoneinfo import ZoneInfo

from tests.populations.healthy import (
    benign_twitches,
    check_in,
    draw_breaks,
    draw_traits,
    log_fluid,
    ordinary_cramps,
    train,
)
from tests.populations.log import (
    DAYS,
    FIRST_EVALUATED_DAY,
    LAST_DAY,
    Athlete,
    CheckinRecord,
    LogBuilder,
    day,
    day_number,
)
from tests.populations.patterns import PATTERNS, PLANT_FIRST_DAY, PLANT_LAST_DAY, Pattern

HEALTHY = "healthy"
POPULATIONS = (HEALTHY, *PATTERNS)

__all__ = [
    "DAYS",
    "FIRST_EVALUATED_DAY",
    "HEALTHY",
    "LAST_DAY",
    "PATTERNS",
    "POPULATIONS",
    "Athlete",
    "CheckinRecord",
    "Pattern",
    "day",
    "day_number",
    "population",
    "simulate",
]


def simulate(population: str, index: int, seed: int) -> Athlete:
    """Athlete number `index` of a population, from its own seeded random stream.

    A healthy athlete's habits are drawn, then their breaks, training,
    background episodes, fluid log and check-ins. A concerning athlete is the
    same with the pattern planted after training and before the background,
    on a day drawn between PLANT_FIRST_DAY and PLANT_LAST_DAY.
    """
    pattern = PATTERNS.get(population)
    if pattern is None and population != HEALTHY:
        raise ValueError(f"no population {population!r}; choose from {', '.join(POPULATIONS)}")
    rng = random.Random(f"{seed}/{population}/{index}")
    traits = draw_traits(rng)
    log = LogBuilder(key=f"{population}-{index:04d}", zone=ZoneInfo(traits.zone))

    plant_n = keep_clear = None
    if pattern:
        plant_n = rng.randint(PLANT_FIRST_DAY, PLANT_LAST_DAY)
        if pattern.keep_clear != (0, 0):
            keep_clear = (plant_n - pattern.keep_clear[0], plant_n + pattern.keep_clear[1])
    breaks = draw_breaks(rng, traits, keep_clear)
    train(rng, log, traits, breaks)
    if pattern:
        plant_n = pattern.plant(rng, log, traits, plant_n)
    benign_twitches(rng, log, traits)
    ordinary_cramps(rng, log, traits)
    log_fluid(rng, log, traits, breaks)
    check_in(
        rng, log, traits, breaks, calm=keep_clear if pattern and pattern.calm_checkins else None
    )
    return log.finish(
        population,
        fluid_target_ml=traits.fluid_target_ml,
        breaks=tuple(breaks),
        traits=traits,
        plant_day=day(plant_n) if plant_n is not None else None,
    )


def population(name: str, count: int, seed: int) -> list[Athlete]:
    """The first `count` athletes of a population."""
    return [simulate(name, index, seed) for index in range(count)]
