"""The concerning patterns: planted on a healthy athlete's log from a known day.

Each population is issue 10's "one population per concerning pattern": a
healthy-style athlete (healthy.py, with all its background twitches, cramps
and holidays) on whom one pattern starts on the plant day, drawn between day
42 and day 105 so that six weeks of ordinary log come before it and six
weeks of evaluations after. The entries the pattern adds (or, for the load
ramp, the workouts it replaces) are its planted entries: a flag detects the
pattern when its evidence names one of them.

Each Pattern also says, as data, which rule(s) should catch it and at what
severity, with the sentence of the guidance (triage/guidance.py, quoted word
for word from the seeds) that sets that severity.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from tests.populations.healthy import Traits, add_session, clamp, cramp, weighted_sample
from tests.populations.log import DAYS, LogBuilder, day_number
from triage import guidance
from triage.guidance import Passage
from triage.rules import Rule, Severity

PLANT_FIRST_DAY = 42
PLANT_LAST_DAY = 105


@dataclass(frozen=True)
class Pattern:
    name: str
    summary: str
    # The rule(s) made for this pattern, and the least severity that answers it.
    intended_rules: tuple[Rule, ...]
    intended_severity: Severity
    # The seed sentence that sets the severity, and how it does.
    because: Passage
    reasoning: str
    # plant(rng, log, traits, drawn day) adds the pattern and returns its first day.
    plant: Callable[[random.Random, LogBuilder, Traits, int], int]
    # Days before and after the plant day kept free of breaks (holidays, missed weeks).
    keep_clear: tuple[int, int] = (0, 0)
    # Check-ins in the kept-clear days name no known cause (no illness and so on).
    calm_checkins: bool = False


# --- The plants ---------------------------------------------------------------------


def recurring_cramps(rng: random.Random, log: LogBuilder, traits: Traits, n: int) -> int:
    """Ordinary cramps (pain 3-7, seconds to minutes) in one muscle, every 1-3 days
    for 3-4 weeks: about 8-14 cramps, each unremarkable, together a muscle that
    keeps cramping."""
    region = rng.choices(["calf", "foot", "thigh_back"], weights=[60, 20, 20])[0]
    side = rng.choice(["left", "right"])
    end = min(n + rng.randint(21, 28), DAYS)
    on = n
    while on < end:
        cramp(rng, log, on, region, side, pain=rng.randint(3, 7), planted=True)
        on += rng.randint(1, 3)
    return n


def long_term_twitching(rng: random.Random, log: LogBuilder, traits: Traits, n: int) -> int:
    """Twitching in one or two muscles on 3-5 days of every week for 6-9 weeks,
    at any time of day; half logged as single twitches, half as runs of 5-60."""
    regions = rng.sample(
        ["calf", "thigh_front", "thigh_back", "forearm", "upper_arm", "eyelid", "foot", "shoulder"],
        rng.randint(1, 2),
    )
    sides = {region: rng.choice(["left", "right"]) for region in regions}
    for on in days_a_week(rng, n, weeks=rng.randint(6, 9)):
        region = rng.choice(regions)
        runs = rng.random() < 0.5
        log.add_episode(
            log.at(on, rng.uniform(7 * 60, 23.5 * 60)),
            duration_s=rng.randint(60, 900) if runs else rng.randint(2, 30),
            kind="twitch",
            body_region=region,
            side=sides[region],
            pain=rng.randint(0, 1),
            count=rng.randint(5, 60) if runs else 1,
            planted=True,
        )
    return n


def days_a_week(rng: random.Random, n: int, weeks: int) -> list[int]:
    """3-5 days of each of `weeks` weeks from day n (n itself always), within the log."""
    days = {n}
    for week in range(weeks):
        days |= set(rng.sample(range(n + 7 * week, n + 7 * week + 7), rng.randint(3, 5)))
    return sorted(d for d in days if d < DAYS)


def twitching_with_symptoms(rng: random.Random, log: LogBuilder, traits: Traits, n: int) -> int:
    """Twitching in one limb muscle on 4-6 days within two weeks, with weakness,
    a change in sensation or both on at least three of those days."""
    region = rng.choice(["hand", "forearm", "upper_arm", "calf", "thigh_front", "foot"])
    side = rng.choice(["left", "right"])
    days = sorted([n, *rng.sample(range(n + 1, n + 14), rng.randint(3, 5))])
    with_symptoms = set(rng.sample(days, max(3, len(days) - rng.randint(0, 2))))
    for on in days:
        symptom = rng.choice(["weakness", "sensation", "both"]) if on in with_symptoms else None
        log.add_episode(
            log.at(on, rng.uniform(7 * 60, 23.5 * 60)),
            duration_s=rng.randint(5, 300),
            kind="twitch",
            body_region=region,
            side=side,
            pain=rng.randint(0, 2),
            count=rng.randint(1, 20),
            weakness=symptom in ("weakness", "both"),
            sensation_change=symptom in ("sensation", "both"),
            planted=True,
        )
    return n


def long_cramps(rng: random.Random, log: LogBuilder, traits: Traits, n: int) -> int:
    """2-4 cramps of 20-50 minutes within four weeks, the first on the plant day,
    mostly in the same muscle; pain 5-8."""
    region = rng.choice(["calf", "thigh_back", "foot"])
    side = rng.choice(["left", "right"])
    days = [n, *sorted(rng.sample(range(n + 1, n + 28), rng.randint(1, 3)))]
    for on in days:
        where = region if rng.random() < 0.7 else rng.choice(["calf", "thigh_back", "foot"])
        cramp(
            rng,
            log,
            on,
            where,
            side,
            seconds=rng.randint(20 * 60, 50 * 60),
            pain=rng.randint(5, 8),
            planted=True,
        )
    return n


def muscle_explosion(rng: random.Random, log: LogBuilder, traits: Traits, n: int) -> int:
    """One severe spasm ("muscle explosion"), pain 7-10, lasting 1-10 minutes,
    during or right after a workout: on the first training day from the drawn
    day (a session is added on the drawn day if none comes within three weeks)."""
    on = next((d for d in range(n, min(n + 21, DAYS)) if log.workouts_on(d)), None)
    if on is None:
        on = n
        add_session(rng, log, traits, on)
    workout = rng.choice(log.workouts_on(on))
    if rng.random() < 0.6:
        moment = log.after(workout.started_at, workout.duration_min * rng.uniform(0.3, 0.95))
    else:
        moment = log.after(workout.started_at, workout.duration_min + rng.uniform(1, 30))
    log.add_episode(
        moment,
        duration_s=rng.randint(60, 600),
        kind="severe",
        body_region=rng.choice(["calf", "thigh_back", "thigh_front", "glute"]),
        side=rng.choice(["left", "right"]),
        pain=rng.randint(7, 10),
        planted=True,
    )
    return on


def unexplained_twitching(rng: random.Random, log: LogBuilder, traits: Traits, n: int) -> int:
    """Twitches at rest on 3-5 days of every week for 4-6 weeks, in two or three
    spots, each at a moment no workout explains (more than 12 hours after the
    last one ends), logged as unrelated to exercise. Training goes on as
    usual, and the check-ins name no cause (calm_checkins)."""
    regions = rng.sample(
        ["eyelid", "calf", "thigh_front", "forearm", "upper_arm", "abdomen", "foot", "face"],
        rng.randint(2, 3),
    )
    for on in days_a_week(rng, n, weeks=rng.randint(4, 6)):
        for _attempt in range(50):
            moment = log.at(on, rng.uniform(6 * 60, 23.5 * 60))
            if log.timing_of(moment) == "unrelated":
                break
        else:
            continue
        runs = rng.random() < 0.3
        log.add_episode(
            moment,
            duration_s=rng.randint(60, 600) if runs else rng.randint(1, 30),
            kind="twitch",
            body_region=rng.choice(regions),
            side=rng.choice(["left", "right"]),
            pain=rng.randint(0, 1),
            count=rng.randint(5, 40) if runs else 1,
            planted=True,
        )
    return n


RAMP_WEEKS = (4, 5)
RAMP_GROWTH = (1.20, 1.30)


def load_ramp(rng: random.Random, log: LogBuilder, traits: Traits, n: int) -> int:
    """Training that grows exponentially: for 4-5 weeks from the plant day, each
    7 days carry 20-30 % more load than the 7 before (the athlete's own rate),
    starting from their average week of the four before. The ramp adds a
    session every other week (up to 6) and, from the third week, a point of
    effort; the rest is time, as the guidance's "too much time to your
    cardiovascular routine". Afterwards the athlete trains as usual again.

    The ramp's sessions replace the ordinary ones of those weeks and are its
    planted entries. Each week's load is met to within a few AU: the last
    session of a week takes what the others left.
    """
    weeks = rng.randint(*RAMP_WEEKS)
    growth = rng.uniform(*RAMP_GROWTH)
    before = [w for w in log.workouts if n - 28 <= day_number(w.day) < n]
    base = sum(w.load for w in before) / 4
    log.remove_workouts(n, n + 7 * weeks - 1)
    for week in range(1, weeks + 1):
        target = base * growth**week
        sessions = min(6, traits.usual_sessions + (week - 1) // 2)
        day_weights = [1.0 if d in traits.training_days else 0.25 for d in range(7)]
        week_start = n + 7 * (week - 1)
        # Weekdays relative to the plant day, so week k is days n+7(k-1) .. n+7k-1.
        offsets = sorted(weighted_sample(rng, range(7), day_weights, sessions))
        shares = [rng.uniform(0.85, 1.15) for _ in offsets]
        left = target
        for index, offset in enumerate(offsets):
            rpe = clamp(round(rng.gauss(traits.typical_rpe + (week >= 3), 0.7)), 3, 9)
            load = left if index == len(offsets) - 1 else target * shares[index] / sum(shares)
            minutes = max(10, round(load / rpe))
            left -= minutes * rpe
            entry_id = add_session(rng, log, traits, week_start + offset, minutes=minutes, rpe=rpe)
            log.planted_ids.add(entry_id)
    return n


# --- The populations ----------------------------------------------------------------

PATTERNS: dict[str, Pattern] = {
    pattern.name: pattern
    for pattern in [
        Pattern(
            name="recurring_cramps",
            summary="ordinary cramps in one muscle every 1-3 days for 3-4 weeks",
            intended_rules=(Rule.RECURRING_EPISODES,),
            intended_severity=Severity.SEE_DOCTOR,
            because=guidance.KEEPS_COMING_BACK,
            reasoning="A spasm that keeps coming back 'may' be a serious condition, and "
            "the articles' answer to a possibly serious condition is the doctor.",
            plant=recurring_cramps,
        ),
        Pattern(
            name="long_term_twitching",
            summary="twitching on 3-5 days a week for 6-9 weeks",
            intended_rules=(Rule.PERSISTENT_TWITCHING,),
            intended_severity=Severity.SEE_DOCTOR,
            because=guidance.LONG_TERM_TWITCHING,
            reasoning="Muscles that frequently twitch, long-term: 'you should see a doctor'.",
            plant=long_term_twitching,
        ),
        Pattern(
            name="twitching_with_symptoms",
            summary="twitching on 4-6 days in two weeks, with weakness or a change in "
            "sensation on 3 or more of them",
            intended_rules=(Rule.RED_FLAG_SYMPTOMS,),
            intended_severity=Severity.SEE_DOCTOR,
            because=guidance.TWITCHING_WITH_SYMPTOMS,
            reasoning="Frequent twitching with weakness or a change in sensation: "
            "'you should see a doctor'.",
            plant=twitching_with_symptoms,
        ),
        Pattern(
            name="long_cramps",
            summary="2-4 cramps of 20-50 minutes within four weeks",
            intended_rules=(Rule.LONG_EPISODE,),
            intended_severity=Severity.SEE_DOCTOR,
            because=guidance.KEEPS_COMING_BACK,
            reasoning="Cramps last up to 15 minutes (CRAMPS_LAST_UP_TO_15_MIN); these "
            "last longer, and do so again: a spasm that 'lasts a long time or keeps "
            "coming back' may be a serious condition.",
            plant=long_cramps,
        ),
        Pattern(
            name="muscle_explosion",
            summary="one severe spasm ('muscle explosion') during or right after a workout",
            intended_rules=(Rule.SEVERE_PAIN,),
            intended_severity=Severity.SEE_DOCTOR,
            because=guidance.SEVERE_PAIN,
            reasoning="'contact your doctor', after a single one.",
            plant=muscle_explosion,
        ),
        Pattern(
            name="unexplained_twitching",
            summary="twitches at rest on 3-5 days a week for 4-6 weeks, training as usual "
            "and check-ins naming no cause",
            intended_rules=(Rule.UNEXPLAINED_TWITCHING,),
            intended_severity=Severity.SEE_DOCTOR,
            because=guidance.UNKNOWN_CAUSES,
            reasoning="Muscles that often twitch with no known cause: 'you should speak "
            "to your doctor'.",
            plant=unexplained_twitching,
            keep_clear=(0, 42),
            calm_checkins=True,
        ),
        Pattern(
            name="load_ramp",
            summary="weekly load +20-30 % a week for 4-5 weeks",
            intended_rules=(Rule.LOAD_SPIKE,),
            intended_severity=Severity.WATCH,
            because=guidance.INCREMENTALLY,
            reasoning="The articles give this as advice on preventing spasms, not as a "
            "reason to see a doctor: worth telling the athlete, at watch.",
            plant=load_ramp,
            keep_clear=(28, 7 * RAMP_WEEKS[1]),
        ),
    ]
}
