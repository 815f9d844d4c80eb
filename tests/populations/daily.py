"""A year in the life of a simulated athlete, day by day, for testing triage/patterns.py.

The patterns view compares days with a factor against days without it, and
real days are not independent draws: habits persist and episodes come in
runs. This simulator writes logs with that autocorrelation built in, so that
the statistical guarantees are measured where they are hardest to keep:

- Training: 3-5 sessions a week on preferred weekdays, with build blocks of
  one or two weeks at about twice the usual load (more sessions, longer,
  harder) a few times a year, one or two holidays and a sick spell or two.
- Warm-up and stretching come in habits: diligent spells and rushed spells,
  each lasting weeks.
- Hot conditions follow the seasons: none in winter, up to half of the
  sessions in summer.
- Fluid: logged in streaks (days on, days off), and what is drunk drifts
  from day to day (an AR(1) process with a correlation of 0.6 between
  neighbouring days), more on training days and in the heat; a quarter to
  half of the logged days fall under the target.
- Check-ins: in streaks too; sleep, stress and caffeine each drift (AR(1)),
  with the illness of a sick spell and, for some, a new medication.
- Episodes: a hidden "bad spell" state, lasting about ten days and covering
  about a sixth of the year, triples the daily chance of an episode, so
  episodes cluster into runs of days, independently of every factor.

With `plant=(factor key, ratio, kind)`, the daily chance of an episode of
that kind is multiplied by `ratio` on the days the factor is present as
triage/patterns.py reads it from the log (it is computed from the simulated
log itself, before the episodes are drawn). The bad spells multiply both
sides alike, so the true ratio of the two shares is exactly `ratio`.

`simulate(seed, days=365)` returns a History ending on the last day, reaching
patterns.CONTEXT_DAYS before the first day compared. Seeded: the same seed
writes the same log.
"""

import math
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from triage import patterns
from triage.history import CheckinRecord, EpisodeRecord, History, WorkoutRecord

ZONE = ZoneInfo("Europe/Oslo")
LAST_DAY = date(2026, 11, 29)  # a Sunday

# Episodes: the share of calm days with one, before any planted factor, is drawn
# from this range; a bad spell triples it.
EPISODE_SHARE = (0.03, 0.25)
SPELL_MULTIPLIER = 3.0
SPELL_START = 0.02  # a bad spell starts on about one calm day in 50 ...
SPELL_END = 0.1  # ... and ends after about 10 days: a sixth of the days in spells
KINDS = {"twitch": 50, "spasm": 15, "cramp": 35}
REGIONS = {"calf": 40, "eyelid": 20, "thigh_back": 15, "foot": 15, "neck": 10}


@dataclass(frozen=True)
class Plant:
    factor: str  # a key of patterns.FACTORS
    ratio: float
    kind: str  # the kind of episode the factor comes before more often
    share: float  # the kind's share of days, on calm days without the factor


def simulate(
    seed: int, days: int = 365, plant: Plant | None = None, logging: tuple = (0.4, 0.9)
) -> History:
    rng = random.Random(f"patterns/{seed}")
    total = days + patterns.CONTEXT_DAYS
    first = LAST_DAY - timedelta(days=total - 1)
    calendar = [first + timedelta(days=n) for n in range(total)]

    workouts = train(rng, calendar)
    fluid, target = drink(rng, calendar, workouts, logging)
    checkins = check_in(rng, calendar, logging)
    history = History(
        today=LAST_DAY,
        loaded_since=first,
        workouts=tuple(workouts),
        daily_fluid_ml=fluid,
        fluid_target_ml=target,
        first_workout_day=workouts[0].day if workouts else None,
        checkins=tuple(checkins),
        zone=ZONE,
    )
    boost = [1.0] * total
    if plant is not None:
        table = patterns.DayTable(history, first, LAST_DAY)
        factor = next(f for f in patterns.FACTORS if f.key == plant.factor)
        boost = [plant.ratio if factor.present(table, n) else 1.0 for n in range(total)]
    episodes = have_episodes(rng, calendar, boost, plant)
    return replace(history, episodes=tuple(episodes))


# --- Training -------------------------------------------------------------------------


def train(rng: random.Random, calendar: list[date]) -> list[WorkoutRecord]:
    usual = rng.choice([3, 4, 5])
    preferred = sorted(rng.sample(range(7), 5))
    typical_rpe = rng.uniform(4.0, 6.5)
    typical_minutes = rng.uniform(40, 70)
    warm_up = {True: rng.uniform(0.8, 0.95), False: rng.uniform(0.2, 0.5)}
    stretch = {True: rng.uniform(0.6, 0.9), False: rng.uniform(0.1, 0.3)}
    hot_summer = rng.uniform(0.1, 0.5)
    breaks = set()
    for _ in range(rng.choice([1, 2])):  # holidays, and sick spells, without training
        start = rng.randrange(len(calendar))
        breaks.update(range(start, start + rng.randint(7, 14)))
    diligent_warm_up = diligent_stretch = True
    build_weeks = 0
    workouts = []
    for week_start in range(0, len(calendar), 7):
        # Habits hold for weeks: a rushed spell, then a diligent one.
        if rng.random() < 0.15:
            diligent_warm_up = not diligent_warm_up
        if rng.random() < 0.15:
            diligent_stretch = not diligent_stretch
        if build_weeks == 0 and rng.random() < 0.08:
            build_weeks = rng.choice([1, 2])
        building = build_weeks > 0
        build_weeks = max(0, build_weeks - 1)
        sessions = min(6, usual + rng.choice([-1, 0, 0, 1]) + (1 if building else 0))
        weekdays = rng.sample(preferred, min(sessions, 5)) + (
            [d for d in range(7) if d not in preferred][: sessions - 5] if sessions > 5 else []
        )
        for weekday in sorted(weekdays):
            n = week_start + weekday
            if n >= len(calendar) or n in breaks:
                continue
            day = calendar[n]
            summer = max(0.0, math.sin(2 * math.pi * (day.timetuple().tm_yday - 80) / 365))
            rpe = round(rng.gauss(typical_rpe + (1.5 if building else 0), 1.0))
            minutes = rng.gauss(typical_minutes * (1.4 if building else 1), 12)
            workouts.append(
                WorkoutRecord(
                    id=f"w{n}",
                    started_at=datetime.combine(day, time(rng.choice([7, 12, 18])), tzinfo=ZONE),
                    duration_min=max(20, 5 * round(minutes / 5)),
                    rpe=min(10, max(2, rpe)),
                    warmed_up=rng.random() < warm_up[diligent_warm_up],
                    stretched_after=rng.random() < stretch[diligent_stretch],
                    hot_conditions=rng.random() < hot_summer * summer,
                )
            )
    return workouts


# --- Fluid and check-ins --------------------------------------------------------------


def streaks(rng: random.Random, count: int, share: float, stay: float = 0.9) -> list[bool]:
    """Days on and off in streaks, on for about `share` of the days."""
    on = rng.random() < share
    # P(off -> on) chosen so that the long-run share on is `share`.
    start = (1 - stay) * share / (1 - share) if share < 1 else 1
    days = []
    for _ in range(count):
        days.append(on)
        on = rng.random() < (stay if on else start)
    return days


def drift(rng: random.Random, count: int, mean: float, sd: float, phi: float) -> list[float]:
    """An AR(1) series around `mean` with stationary standard deviation `sd`."""
    value = rng.gauss(mean, sd)
    innovation = sd * math.sqrt(1 - phi**2)
    values = []
    for _ in range(count):
        values.append(value)
        value = mean + phi * (value - mean) + rng.gauss(0, innovation)
    return values


def drink(rng: random.Random, calendar, workouts, logging) -> tuple[dict[date, int], int]:
    target = rng.choice([2000, 2000, 2500, 3000])
    # What a rest day's logged total usually is: around the target, a little under.
    intake = drift(rng, len(calendar), target * rng.uniform(0.8, 1.0), 450, 0.6)
    logged_days = streaks(rng, len(calendar), rng.uniform(*logging))
    extra: dict[date, int] = {}
    for workout in workouts:
        extra[workout.day] = extra.get(workout.day, 0) + (900 if workout.hot_conditions else 400)
    fluid = {}
    for day, ml, logged in zip(calendar, intake, logged_days, strict=True):
        if logged:
            fluid[day] = max(250, 50 * round((ml + extra.get(day, 0)) / 50))
    return fluid, target


def check_in(rng: random.Random, calendar, logging) -> list[CheckinRecord]:
    count = len(calendar)
    logged_days = streaks(rng, count, rng.uniform(*logging))
    sleep = drift(rng, count, rng.uniform(6.5, 8.0), 0.8, 0.5)
    stress = drift(rng, count, rng.uniform(2, 5), 1.6, 0.7)
    habit = rng.choice([0, 40, 95, 190, 285])
    caffeine = drift(rng, count, 1.0, 0.35, 0.5)
    ill = set()
    for _ in range(rng.choice([0, 1, 2])):
        start = rng.randrange(count)
        ill.update(range(start, start + rng.randint(3, 7)))
    medication = {rng.randrange(count)} if rng.random() < 0.3 else set()
    checkins = []
    for n, day in enumerate(calendar):
        if not (logged_days[n] or (n in ill and rng.random() < 0.8)):
            continue
        checkins.append(
            CheckinRecord(
                day=day,
                sleep_hours=min(11.0, max(3.0, round(sleep[n] * 2) / 2)),
                caffeine_mg=max(0, 5 * round(habit * caffeine[n] / 5)),
                stress=min(10, max(0, round(stress[n]))),
                ill=n in ill,
                new_medication=n in medication,
            )
        )
    return checkins


# --- Episodes -------------------------------------------------------------------------


def have_episodes(rng: random.Random, calendar, boost, plant: Plant | None):
    share = rng.uniform(*EPISODE_SHARE)
    # With a plant, its kind comes from the plant alone, so that its ratio is exact.
    kinds_drawn = {k: w for k, w in KINDS.items() if plant is None or k != plant.kind}
    in_spell = False
    episodes = []
    for n, day in enumerate(calendar):
        in_spell = rng.random() < (1 - SPELL_END if in_spell else SPELL_START)
        spell = SPELL_MULTIPLIER if in_spell else 1.0
        kinds = []
        if rng.random() < min(1.0, share * spell):
            kinds.append(rng.choices(list(kinds_drawn), weights=list(kinds_drawn.values()))[0])
        if plant is not None and rng.random() < min(1.0, plant.share * spell * boost[n]):
            kinds.append(plant.kind)
        for index, kind in enumerate(kinds):
            region = rng.choices(list(REGIONS), weights=list(REGIONS.values()))[0]
            episodes.append(
                EpisodeRecord(
                    id=f"e{n}-{index}",
                    started_at=datetime.combine(day, time(8 + 6 * index), tzinfo=ZONE),
                    duration_s=rng.randint(5, 300),
                    kind=kind,
                    body_region=region,
                    side="left",
                    pain=rng.randint(0, 6),
                    timing="unrelated",
                )
            )
    return episodes
