"""Healthy recreational athletes: what the rules must mostly leave alone.

Each athlete draws their own habits (Traits) and then lives them for 148
days. The ranges come from issue 10's description of a healthy recreational
athlete, and every other choice is written down beside its number:

- Training: 3-5 sessions a calendar week (each athlete has a usual count and
  mixes in the other two), on mostly the same weekdays, RPE 3-8 around their
  own typical effort, 30-90 minutes around their own typical length. Some
  weeks are missed entirely (busy, or ill), and most take one or two
  holidays of 7-14 days without training.
- Episodes: 0-3 benign twitches a month (each athlete their own rate), in
  varying regions with a couple of habitual spots, some tied to a workout and
  some at rest; chance clusters happen, and a quarter follow the one before
  in the same spot within 1-4 days. 0-1 ordinary cramps a month, mostly in
  the calf, during or after training or at night, up to 10 minutes, with
  pain up to 8.
- Fluid: logged on some days only, and on those days not every drink.
- Check-ins: on some days; ordinary sleep, caffeine and stress, with the
  illness of a sick week and, for a few, a new medication.

Nothing here is a concerning pattern; patterns.py plants those on top.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime

from tests.populations.log import DAYS, Break, CheckinRecord, LogBuilder, day
from triage.history import WorkoutRecord

# Most athletes live where the app started (Oslo); others spread over zones
# whose clocks change on other dates, or never.
ZONES = {
    "Europe/Oslo": 60,
    "Europe/London": 10,
    "America/New_York": 10,
    "America/Los_Angeles": 5,
    "Asia/Tokyo": 5,
    "Australia/Sydney": 5,
    "Pacific/Auckland": 5,
}
# Where benign twitches happen; the eyelid and the calf are the classics.
TWITCH_REGIONS = {
    "eyelid": 25,
    "calf": 20,
    "thigh_front": 8,
    "thigh_back": 8,
    "foot": 6,
    "hand": 5,
    "forearm": 5,
    "upper_arm": 5,
    "shoulder": 4,
    "face": 3,
    "neck": 3,
    "abdomen": 3,
    "glute": 3,
    "upper_back": 2,
    "lower_back": 2,
    "chest": 2,
    "shin": 2,
}
# "post-workout spasms are most commonly experienced in the lower leg in a cramp"
CRAMP_REGIONS = {
    "calf": 55,
    "foot": 15,
    "thigh_back": 15,
    "thigh_front": 5,
    "hand": 5,
    "abdomen": 5,
}
# Pain of an ordinary cramp, 2 to 8 out of 10: mostly moderate, one in eleven an 8.
CRAMP_PAIN = {2: 5, 3: 12, 4: 18, 5: 22, 6: 20, 7: 14, 8: 9}
UNSIDED = {"neck", "chest", "abdomen", "upper_back", "lower_back"}
# Episodes are counted per "month" of 30 days from day 0, and fall on any day of
# it but the last, so that one in the night after an evening workout stays in it.
MONTH = 30
# A benign twitch after a month's first follows the one before in the same
# spot, 1-4 days later, this often.
CLUSTER_CHANCE = 0.25
# Usual caffeine a day, mg: none, a tea, a coffee or two, up to four coffees.
CAFFEINE_HABITS = {0: 15, 40: 15, 95: 25, 190: 25, 285: 15, 380: 5}


@dataclass(frozen=True)
class Traits:
    """One athlete's habits, drawn once; the log is these habits lived day by day."""

    zone: str
    usual_sessions: int  # the count of most weeks, 3, 4 or 5
    weekly_sessions: dict[int, float]  # chance of a 3-, 4- and 5-session week
    training_days: tuple[int, ...]  # preferred weekdays, 0 is Monday
    clock: tuple[float, float]  # usual start on weekdays, hours after midnight
    typical_rpe: float
    typical_minutes: float
    warm_up_chance: float
    stretch_chance: float
    hot_chance: float
    missed_week_chance: float
    holidays: int
    twitches_per_month: float
    habitual_spots: tuple[str, ...]
    twitch_after_workout_chance: float
    cramps_per_month: float
    fluid_target_ml: int
    drinks_ml: float  # what they really drink on a rest day
    fluid_logging_chance: float  # a day has any drink logged
    drinks_logged_share: float  # of the day's drinks, on a day they log
    checkin_chance: float
    sleep_hours: float
    caffeine_mg: int
    stress: int
    new_medication_day: int | None


def draw_traits(rng: random.Random) -> Traits:
    usual = rng.choices([3, 4, 5], weights=[35, 40, 25])[0]
    # The usual count takes 50-70 % of weeks and the other two share the rest.
    share = rng.uniform(0.5, 0.7)
    weekly = {n: share if n == usual else (1 - share) / 2 for n in (3, 4, 5)}
    slot = rng.choices(["morning", "lunch", "evening"], weights=[30, 15, 55])[0]
    clock = {"morning": (6.0, 8.0), "lunch": (11.5, 13.0), "evening": (17.0, 20.0)}[slot]
    # Recreational effort: each athlete's typical session is moderate (RPE 4-6.5,
    # 40-70 min); single sessions spread around it within RPE 3-8 and 30-90 min.
    # Most keep the app's default fluid target of 2000 ml. Few train in the heat
    # (indoors, or in a northern spring). One in 25 starts a new medication.
    return Traits(
        zone=rng.choices(list(ZONES), weights=list(ZONES.values()))[0],
        usual_sessions=usual,
        weekly_sessions=weekly,
        training_days=tuple(sorted(rng.sample(range(7), 5))),
        clock=clock,
        typical_rpe=rng.uniform(4.0, 6.5),
        typical_minutes=rng.uniform(40, 70),
        warm_up_chance=rng.uniform(0.4, 0.95),
        stretch_chance=rng.uniform(0.2, 0.8),
        hot_chance=rng.uniform(0.0, 0.15),
        missed_week_chance=rng.uniform(0.0, 0.06),
        holidays=rng.choices([0, 1, 2], weights=[30, 45, 25])[0],
        twitches_per_month=rng.uniform(0, 3),
        habitual_spots=tuple(rng.sample(list(TWITCH_REGIONS), 2)),
        twitch_after_workout_chance=rng.uniform(0.3, 0.8),
        cramps_per_month=rng.uniform(0, 1),
        fluid_target_ml=rng.choices([1500, 2000, 2500, 3000], weights=[10, 60, 20, 10])[0],
        drinks_ml=rng.uniform(1600, 2800),
        fluid_logging_chance=rng.uniform(0.1, 0.9),
        drinks_logged_share=rng.uniform(0.5, 1.0),
        checkin_chance=rng.uniform(0.2, 0.95),
        sleep_hours=rng.uniform(6.3, 8.0),
        caffeine_mg=rng.choices(list(CAFFEINE_HABITS), weights=list(CAFFEINE_HABITS.values()))[0],
        stress=rng.randint(1, 5),
        new_medication_day=rng.randrange(DAYS) if rng.random() < 0.04 else None,
    )


def draw_breaks(
    rng: random.Random, traits: Traits, keep_clear: tuple[int, int] | None = None
) -> list[Break]:
    """Missed weeks (Monday to Sunday; two in five because of illness) and holidays
    (7-14 days from any weekday). Breaks never overlap each other, nor the days
    in `keep_clear`, where a planted pattern needs ordinary training."""
    breaks: list[Break] = []

    def free(first: int, last: int) -> bool:
        clear = keep_clear and first <= keep_clear[1] and keep_clear[0] <= last
        return not clear and all(last < b.first or b.last < first for b in breaks)

    for week_start in range(0, DAYS, 7):
        if rng.random() < traits.missed_week_chance and free(week_start, week_start + 6):
            reason = "ill" if rng.random() < 0.4 else "busy"
            breaks.append(Break(week_start, min(week_start + 6, DAYS - 1), reason))
    for _ in range(traits.holidays):
        for _attempt in range(20):
            length = rng.randint(7, 14)
            first = rng.randrange(0, DAYS - length)
            if free(first, first + length - 1):
                breaks.append(Break(first, first + length - 1, "holiday"))
                break
    return sorted(breaks)


def train(rng: random.Random, log: LogBuilder, traits: Traits, breaks: list[Break]) -> None:
    """Each calendar week: draw 3, 4 or 5 sessions, put them on the athlete's
    days (mostly their preferred weekdays), and drop any that fall on a break."""
    counts = list(traits.weekly_sessions)
    weights = list(traits.weekly_sessions.values())
    for week_start in range(0, DAYS, 7):
        sessions = rng.choices(counts, weights=weights)[0]
        day_weights = [1.0 if d in traits.training_days else 0.25 for d in range(7)]
        for weekday in weighted_sample(rng, range(7), day_weights, sessions):
            n = week_start + weekday
            if n < DAYS and not any(b.covers(n) for b in breaks):
                add_session(rng, log, traits, n)


def add_session(
    rng: random.Random,
    log: LogBuilder,
    traits: Traits,
    n: int,
    *,
    minutes: int | None = None,
    rpe: int | None = None,
) -> str:
    """One ordinary session on day n: on a weekday at the athlete's usual time
    (give or take 40 minutes), on a weekend day mostly in the late morning."""
    if day(n).weekday() >= 5 and rng.random() < 0.7:
        start_hour = rng.uniform(8.5, 11.0)
    else:
        start_hour = rng.uniform(*traits.clock) + rng.uniform(-0.67, 0.67)
    if rpe is None:
        rpe = clamp(round(rng.gauss(traits.typical_rpe, 1.0)), 3, 8)
    if minutes is None:
        minutes = clamp(5 * round(rng.gauss(traits.typical_minutes, 12) / 5), 30, 90)
    return log.add_workout(
        log.at(n, start_hour * 60),
        minutes,
        rpe,
        warmed_up=rng.random() < traits.warm_up_chance,
        stretched_after=rng.random() < traits.stretch_chance,
        hot_conditions=rng.random() < traits.hot_chance,
    )


def benign_twitches(rng: random.Random, log: LogBuilder, traits: Traits) -> None:
    """0-3 isolated twitches in each month (30-day block) of the log.

    Each month's count is binomial, 3 tries at the athlete's rate / 3, so it
    averages their rate and never passes 3. Each twitch falls on a random day
    of the month in a random region (habitual spots four times as likely),
    so chance clusters happen by themselves; and a quarter of them, after the
    first, follow the one before in the same spot 1-4 days later.
    """
    regions = dict(TWITCH_REGIONS)
    for spot in traits.habitual_spots:
        regions[spot] *= 4
    for month_start in range(0, DAYS, MONTH):
        count = sum(rng.random() < traits.twitches_per_month / 3 for _ in range(3))
        month_end = month_start + MONTH - 1  # see MONTH
        previous = None
        for _ in range(count):
            follow_on = previous and previous[0] + rng.randint(1, 4)
            if follow_on and follow_on < month_end and rng.random() < CLUSTER_CHANCE:
                n, region, side = follow_on, previous[1], previous[2]
            else:
                n = rng.randrange(month_start, month_end)
                region = rng.choices(list(regions), weights=list(regions.values()))[0]
                side = draw_side(rng, region)
            if n < DAYS:
                twitch(rng, log, traits, n, region, side)
            previous = (n, region, side)


def twitch(rng, log: LogBuilder, traits: Traits, n: int, region: str, side: str) -> None:
    """A benign twitch (or now and then a small spasm): seconds long, barely
    painful; one in four a run of many twitches logged as one entry."""
    workouts = log.workouts_on(n)
    if workouts and rng.random() < traits.twitch_after_workout_chance:
        moment = around_workout(rng, log, rng.choice(workouts))
    else:
        moment = log.at(n, rng.uniform(7 * 60, 23.5 * 60))
    if rng.random() < 0.15:
        log.add_episode(
            moment,
            duration_s=rng.randint(5, 90),
            kind="spasm",
            body_region=region,
            side=side,
            pain=rng.randint(1, 4),
        )
    elif rng.random() < 0.25:
        log.add_episode(
            moment,
            duration_s=rng.randint(30, 600),
            kind="twitch",
            body_region=region,
            side=side,
            pain=rng.randint(0, 1),
            count=rng.randint(3, 30),
        )
    else:
        log.add_episode(
            moment,
            duration_s=rng.randint(1, 30),
            kind="twitch",
            body_region=region,
            side=side,
            pain=rng.randint(0, 1),
        )


def ordinary_cramps(rng: random.Random, log: LogBuilder, traits: Traits) -> None:
    """In each month (30-day block), one ordinary cramp with the athlete's own chance
    (0-1), on a random day."""
    for month_start in range(0, DAYS, MONTH):
        n = rng.randrange(month_start, month_start + MONTH - 1)  # see MONTH
        if rng.random() < traits.cramps_per_month and n < DAYS:
            region = rng.choices(list(CRAMP_REGIONS), weights=list(CRAMP_REGIONS.values()))[0]
            cramp(rng, log, n, region, draw_side(rng, region))


def cramp(
    rng: random.Random,
    log: LogBuilder,
    n: int,
    region: str,
    side: str,
    *,
    seconds: int | None = None,
    pain: int | None = None,
    planted: bool = False,
) -> str:
    """An ordinary cramp on day n: seven in ten during or after that day's
    workout (when there is one), otherwise at night; 15 s to 10 min
    (log-uniform, so most last a minute or two); pain drawn from CRAMP_PAIN."""
    workouts = log.workouts_on(n)
    if workouts and rng.random() < 0.7:
        moment = around_workout(rng, log, rng.choice(workouts))
    else:
        moment = log.at(n, rng.uniform(1 * 60, 6 * 60))
    if seconds is None:
        seconds = round(math.exp(rng.uniform(math.log(15), math.log(600))))
    if pain is None:
        pain = rng.choices(list(CRAMP_PAIN), weights=list(CRAMP_PAIN.values()))[0]
    return log.add_episode(
        moment,
        duration_s=seconds,
        kind="cramp",
        body_region=region,
        side=side,
        pain=pain,
        planted=planted,
    )


def around_workout(rng: random.Random, log: LogBuilder, workout: WorkoutRecord) -> datetime:
    """A moment during a workout, within the 45 minutes after it, or 1.5-8 hours after it."""
    minutes = workout.duration_min
    when = rng.choices(["during", "right_after", "hours_after"], weights=[35, 35, 30])[0]
    offset = {
        "during": rng.uniform(0.2, 0.95) * minutes,
        "right_after": minutes + rng.uniform(1, 45),
        "hours_after": minutes + rng.uniform(90, 480),
    }[when]
    return log.after(workout.started_at, offset)


def log_fluid(rng: random.Random, log: LogBuilder, traits: Traits, breaks: list[Break]) -> None:
    """Partial fluid logging: a day has drinks logged with the athlete's own chance
    (half that on holiday), and then only their usual share of what they drank.
    They drink 500 ml more on a training day, 1000 ml more when it was hot."""
    for n in range(DAYS):
        on_holiday = any(b.covers(n) and b.reason == "holiday" for b in breaks)
        chance = traits.fluid_logging_chance / (2 if on_holiday else 1)
        if rng.random() >= chance:
            continue
        drunk = rng.gauss(traits.drinks_ml, 350)
        for workout in log.workouts_on(n):
            drunk += 1000 if workout.hot_conditions else 500
        logged = drunk * rng.uniform(traits.drinks_logged_share, 1.0)
        log.daily_fluid_ml[day(n)] = max(250, 50 * round(logged / 50))


def check_in(
    rng: random.Random,
    log: LogBuilder,
    traits: Traits,
    breaks: list[Break],
    calm: tuple[int, int] | None = None,
) -> None:
    """Check-ins on some days: sleep around their usual, caffeine around their
    habit, stress around their usual with now and then a bad day; ill on the
    days of a sick week (and then they check in more often). In `calm`, the
    days of a planted pattern that must have no known cause, every check-in
    is ordinary: not ill, no new medication, stress at most 5, caffeine at
    most 300 mg."""
    for n in range(DAYS):
        ill = any(b.covers(n) and b.reason == "ill" for b in breaks) and rng.random() < 0.8
        if rng.random() >= (0.9 if ill else traits.checkin_chance):
            continue
        caffeine = round(traits.caffeine_mg * rng.uniform(0.6, 1.4) / 5) * 5
        stress = clamp(traits.stress + rng.choice([-1, 0, 0, 1, 2]), 0, 10)
        if rng.random() < 0.05:
            stress = clamp(stress + 3, 0, 10)
        medication = traits.new_medication_day == n
        if calm and calm[0] <= n <= calm[1]:
            ill, medication = False, False
            caffeine, stress = min(caffeine, 300), min(stress, 5)
        log.checkins.append(
            CheckinRecord(
                day=day(n),
                sleep_hours=clamp(round(rng.gauss(traits.sleep_hours, 0.8) * 2) / 2, 3.0, 11.0),
                caffeine_mg=caffeine,
                stress=stress,
                ill=ill,
                new_medication=medication,
            )
        )


# --- Helpers ----------------------------------------------------------------------


def draw_side(rng: random.Random, region: str) -> str:
    if region in UNSIDED:
        return rng.choice(["none", "both"])
    return rng.choices(["left", "right", "both"], weights=[45, 45, 10])[0]


def weighted_sample(rng: random.Random, items, weights, k: int) -> list:
    """k distinct items, each drawn with chance proportional to its weight."""
    pool = list(zip(items, weights, strict=True))
    chosen = []
    for _ in range(min(k, len(pool))):
        pick = rng.choices(range(len(pool)), weights=[w for _, w in pool])[0]
        chosen.append(pool.pop(pick)[0])
    return chosen


def clamp(value, low, high):
    return max(low, min(high, value))
