"""The population simulator (tests/populations) and its runner (tests/population_run.py).

These pin the simulator itself: that a seed gives the same athletes, that
healthy athletes look like issue 10 describes them, that each concerning
population really holds its pattern, and that the runner sees and merges
what the engine would. How well the rules do on these populations is
bench/triage_quality.py's to print, not a test's to pin (yet).
"""

import itertools
import statistics
import uuid
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest

from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout
from tests import factories
from tests.population_run import (
    GoalFigures,
    Timeline,
    goal_figures,
    run_athlete,
    settings_thresholds,
)
from tests.populations import (
    DAYS,
    FIRST_EVALUATED_DAY,
    HEALTHY,
    PATTERNS,
    day,
    day_number,
    population,
    simulate,
)
from tests.populations.log import HOURS_AFTER
from tests.populations.patterns import PLANT_FIRST_DAY, PLANT_LAST_DAY
from triage import engine, flag_merge, guidance, reading
from triage.models import Flag, FlagStatus
from triage.rules import Rule, Severity

SEED = 2026


@pytest.fixture(scope="module")
def healthy():
    return population(HEALTHY, 40, SEED)


@pytest.fixture(scope="module")
def concerning():
    return {name: population(name, 15, SEED) for name in PATTERNS}


# --- Reproducibility --------------------------------------------------------------


def test_the_same_seed_simulates_the_same_athletes():
    assert simulate("long_cramps", 3, SEED) == simulate("long_cramps", 3, SEED)
    assert simulate("long_cramps", 3, SEED) != simulate("long_cramps", 3, SEED + 1)


def test_an_athlete_is_the_same_however_many_others_are_simulated():
    assert population(HEALTHY, 5, SEED)[4] == simulate(HEALTHY, 4, SEED)


# --- Healthy athletes -------------------------------------------------------------


def test_healthy_athletes_train_3_to_5_times_a_week_outside_breaks(healthy):
    weeks_checked = 0
    for athlete in healthy:
        sessions = [0] * (DAYS // 7)
        for workout in athlete.workouts:
            if day_number(workout.day) < len(sessions) * 7:
                sessions[day_number(workout.day) // 7] += 1
        for week, count in enumerate(sessions):
            if not any(athlete.on_break(n) for n in range(week * 7, week * 7 + 7)):
                assert 3 <= count <= 5, (athlete.key, week)
                weeks_checked += 1
    assert weeks_checked > 15 * len(healthy)


def test_healthy_sessions_are_rpe_3_to_8_and_30_to_90_minutes_with_mixed_week_sizes(healthy):
    workouts = [w for athlete in healthy for w in athlete.workouts]
    assert {w.rpe for w in workouts} <= set(range(3, 9))
    assert all(30 <= w.duration_min <= 90 for w in workouts)
    weekly_counts = {
        sum(1 for w in athlete.workouts if day_number(w.day) // 7 == week)
        for athlete in healthy
        for week in range(DAYS // 7)
    }
    assert {3, 4, 5} <= weekly_counts


def test_healthy_athletes_take_holidays_of_one_or_two_weeks_and_miss_weeks(healthy):
    breaks = [b for athlete in healthy for b in athlete.breaks]
    holidays = [b for b in breaks if b.reason == "holiday"]
    assert all(7 <= b.last - b.first + 1 <= 14 for b in holidays)
    assert sum(1 for athlete in healthy if any(b.reason == "holiday" for b in athlete.breaks)) > 20
    assert any(b.reason in ("busy", "ill") for b in breaks)


def test_healthy_athletes_have_a_few_benign_episodes_and_ordinary_cramps(healthy):
    episodes = [e for athlete in healthy for e in athlete.episodes]
    months = len(healthy) * DAYS / (365.25 / 12)
    twitches = [e for e in episodes if e.kind in ("twitch", "spasm")]
    cramps = [e for e in episodes if e.kind == "cramp"]
    assert 0.5 <= len(twitches) / months <= 3
    assert len(cramps) / months <= 1
    # Never more than 3 twitches and 1 cramp in a month (30 days from day 0).
    for athlete in healthy:
        for month in range(0, DAYS, 30):
            of_month = [e for e in athlete.episodes if month <= day_number(e.day) < month + 30]
            assert sum(e.kind != "cramp" for e in of_month) <= 3
            assert sum(e.kind == "cramp" for e in of_month) <= 1
    # Benign: no symptom, no severe spasm, no cramp past 10 minutes, pain at most 8.
    assert not any(e.has_red_flag_symptom or e.kind == "severe" for e in episodes)
    assert max(e.duration_s for e in cramps) <= 600
    assert max(e.pain for e in episodes) == 8
    # Varied regions and timings.
    assert len({e.body_region for e in twitches}) >= 10
    assert {e.timing for e in episodes} == {
        "during_exercise",
        "right_after",
        "hours_after",
        "unrelated",
    }


def test_healthy_athletes_log_fluid_and_check_in_on_some_days_only(healthy):
    for athlete in healthy:
        assert len(athlete.daily_fluid_ml) < DAYS
        assert len(athlete.checkins) < DAYS
    assert statistics.mean(len(a.daily_fluid_ml) for a in healthy) > DAYS / 5
    checkins = [c for athlete in healthy for c in athlete.checkins]
    assert max(c.caffeine_mg for c in checkins) <= 600
    assert statistics.median(c.stress for c in checkins) <= 5


def test_most_athletes_live_in_oslo_and_some_elsewhere(healthy):
    zones = [athlete.zone.key for athlete in healthy]
    assert zones.count("Europe/Oslo") > len(zones) / 2
    assert len(set(zones)) >= 4


# --- Concerning populations -------------------------------------------------------


def test_every_pattern_says_which_rule_should_catch_it_and_the_seed_sentence_why():
    passages = {value for value in vars(guidance).values() if isinstance(value, guidance.Passage)}
    for pattern in PATTERNS.values():
        assert pattern.intended_rules
        assert set(pattern.intended_rules) <= set(Rule)
        assert pattern.because in passages
    doctor = {name for name, p in PATTERNS.items() if p.intended_severity == Severity.SEE_DOCTOR}
    assert doctor == set(PATTERNS) - {"load_ramp"}
    assert PATTERNS["load_ramp"].intended_severity == Severity.WATCH


def test_patterns_start_on_a_known_day_with_weeks_of_ordinary_log_around_it(concerning):
    for athletes in concerning.values():
        for athlete in athletes:
            plant = day_number(athlete.plant_day)
            assert PLANT_FIRST_DAY <= plant <= PLANT_LAST_DAY + 21
            assert athlete.planted_ids
            assert all(e.day >= athlete.plant_day for e in athlete.planted_episodes)
            assert all(w.day >= athlete.plant_day for w in athlete.planted_workouts)


def test_recurring_cramps_come_back_in_one_muscle_every_few_days(concerning):
    for athlete in concerning["recurring_cramps"]:
        cramps = athlete.planted_episodes
        assert len(cramps) >= 8
        assert {e.kind for e in cramps} == {"cramp"}
        assert len({e.body_region for e in cramps}) == 1
        # Every 1-3 days; a cramp hours after an evening workout may fall after midnight.
        assert all((b.day - a.day).days <= 4 for a, b in itertools.pairwise(cramps))
        assert 20 <= (cramps[-1].day - cramps[0].day).days <= 29


def test_long_term_twitching_happens_on_3_or_more_days_a_week_for_6_weeks_or_more(concerning):
    for athlete in concerning["long_term_twitching"]:
        days = sorted({e.day for e in athlete.planted_episodes})
        assert len(days) >= 18
        assert (days[-1] - days[0]).days >= 5 * 7


def test_twitching_with_symptoms_has_them_on_three_days_within_two_weeks(concerning):
    for athlete in concerning["twitching_with_symptoms"]:
        with_symptoms = {e.day for e in athlete.planted_episodes if e.has_red_flag_symptom}
        assert len(with_symptoms) >= 3
        assert (max(with_symptoms) - min(with_symptoms)).days <= 13
        assert {e.kind for e in athlete.planted_episodes} == {"twitch"}


def test_the_long_cramp_population_has_two_or_more_cramps_over_15_minutes(concerning):
    for athlete in concerning["long_cramps"]:
        long = [e for e in athlete.episodes if e.kind == "cramp" and e.duration_s > 15 * 60]
        assert len(long) >= 2
        assert (long[-1].day - long[0].day).days < 28
        assert all(e.duration_s <= 50 * 60 for e in long)


def test_a_muscle_explosion_is_one_severe_spasm_during_or_right_after_a_workout(concerning):
    for athlete in concerning["muscle_explosion"]:
        (explosion,) = athlete.planted_episodes
        assert explosion.kind == "severe"
        assert explosion.timing in ("during_exercise", "right_after")
        assert explosion.day == athlete.plant_day


def test_unexplained_twitching_has_no_workout_or_check_in_to_explain_it(concerning):
    for athlete in concerning["unexplained_twitching"]:
        twitches = athlete.planted_episodes
        assert len({e.day for e in twitches}) >= 10
        assert {e.timing for e in twitches} == {"unrelated"}
        for twitch in twitches:
            ends = [
                w.started_at + timedelta(minutes=w.duration_min)
                for w in athlete.workouts
                if w.started_at <= twitch.started_at
            ]
            assert not ends or twitch.started_at - max(ends) > HOURS_AFTER
        # Training goes on as usual, and the check-ins of those days name no cause.
        first, last = twitches[0].day, twitches[-1].day
        weeks = ((last - first).days + 1) / 7
        assert sum(1 for w in athlete.workouts if first <= w.day <= last) >= 3 * int(weeks)
        calm = [c for c in athlete.checkins if first <= c.day <= last]
        assert not any(c.ill or c.new_medication for c in calm)
        assert all(c.stress <= 5 and c.caffeine_mg <= 300 for c in calm)


def test_the_ramp_population_adds_20_to_30_percent_load_a_week_for_4_or_5_weeks(concerning):
    for athlete in concerning["load_ramp"]:
        plant = day_number(athlete.plant_day)

        weeks = len({(day_number(w.day) - plant) // 7 for w in athlete.planted_workouts})
        assert weeks in (4, 5)
        usual = load(athlete, plant - 28, 28) / 4
        loads = [usual] + [load(athlete, plant + 7 * k) for k in range(weeks)]
        rises = [later / earlier for earlier, later in itertools.pairwise(loads)]
        assert all(1.195 <= rise <= 1.305 for rise in rises), rises


def load(athlete, first: int, days: int = 7) -> int:
    """The load of days first to first + days - 1."""
    return sum(w.load for w in athlete.workouts if first <= day_number(w.day) < first + days)


# --- The runner -------------------------------------------------------------------


@pytest.fixture
def thresholds():
    return settings_thresholds()


def test_the_merge_reopens_and_saves_with_the_models_own_names():
    # flag_merge never loads the models, so it spells out what it shares with them.
    assert flag_merge.OPEN == FlagStatus.OPEN
    assert set(flag_merge.FIELDS_SET_BY_EVALUATION) <= {f.name for f in Flag._meta.fields}


def test_a_muscle_explosion_is_detected_on_the_day_it_happens(thresholds):
    athlete = simulate("muscle_explosion", 0, SEED)

    run = run_athlete(athlete, *thresholds)

    assert run.detection_day(PATTERNS["muscle_explosion"]) == athlete.plant_day
    assert run.detected_at_end(PATTERNS["muscle_explosion"])


def test_the_goal_figures_come_from_one_call(thresholds):
    figures = goal_figures(seed=SEED, healthy=2, per_pattern=1)

    assert isinstance(figures, GoalFigures)
    assert 0 <= figures.healthy_see_doctor_share <= 1
    assert figures.healthy_watch_or_above_per_month >= 0
    assert set(figures.sensitivity) == set(PATTERNS)


def store_day(user, athlete, n: int) -> None:
    """Save day n of a simulated log as the athlete would have logged it that day."""
    on = day(n)
    Workout.objects.bulk_create(
        Workout(
            id=uuid.UUID(w.id),
            user=user,
            started_at=w.started_at,
            duration_min=w.duration_min,
            rpe=w.rpe,
            kind=w.kind,
            warmed_up=w.warmed_up,
            stretched_after=w.stretched_after,
            hot_conditions=w.hot_conditions,
        )
        for w in athlete.workouts
        if w.day == on
    )
    TwitchEpisode.objects.bulk_create(
        TwitchEpisode(
            id=uuid.UUID(e.id),
            user=user,
            **{name: getattr(e, name) for name in e._fields if name != "id"},
        )
        for e in athlete.episodes
        if e.day == on
    )
    DailyCheckin.objects.bulk_create(
        DailyCheckin(
            user=user, **{("date" if name == "day" else name): v for name, v in c._asdict().items()}
        )
        for c in athlete.checkins
        if c.day == on
    )
    if on in athlete.daily_fluid_ml:
        HydrationEntry.objects.create(
            user=user,
            taken_at=datetime.combine(on, time(12), tzinfo=athlete.zone),
            volume_ml=athlete.daily_fluid_ml[on],
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("population", "index"), [("recurring_cramps", 0), ("load_ramp", 3)])
def test_the_simulated_sweep_reads_and_saves_what_the_engine_does(thresholds, population, index):
    # The engine, evaluating the log as it is stored day by day, loads the same
    # History each day as the runner builds, and ends with the same flags.
    # A Los Angeles and a Sydney athlete: their local days and clock changes
    # are not UTC's.
    athlete = simulate(population, index, SEED)
    assert athlete.zone.key != "Europe/Oslo"
    user = factories.UserFactory()
    user.profile.timezone = athlete.zone.key
    user.profile.daily_fluid_target_ml = athlete.fluid_target_ml
    user.profile.save()

    timeline = Timeline(athlete)
    history_days = thresholds[1]

    for n in range(DAYS):
        store_day(user, athlete, n)
        if n >= FIRST_EVALUATED_DAY:
            end_of_day = datetime.combine(day(n), time(23, 59, 59), tzinfo=athlete.zone)
            loaded = reading.read_histories([user.pk], history_days, now=end_of_day)[user.pk]
            # (Drinks are stored one a day here; the simulation counts only millilitres.)
            assert replace(loaded, daily_drinks={}) == timeline.history(day(n), history_days)
            engine.evaluate([user.pk], now=end_of_day)
    run = run_athlete(athlete, *thresholds)

    def state(flag):
        return (
            flag.rule,
            flag.severity,
            flag.window_start,
            flag.window_end,
            flag.status,
            flag.evidence,
            flag.message,
            flag.advice,
            flag.source,
        )

    saved = sorted(map(state, Flag.objects.filter(user=user)), key=repr)
    assert saved  # something to compare
    assert saved == sorted(map(state, run.flags), key=repr)


def test_in_the_simulated_sweep_a_flags_severity_only_rises(thresholds):
    athlete = simulate("long_term_twitching", 0, SEED)

    run = run_athlete(athlete, *thresholds)

    for flag in run.flags:
        ranks = [severity.rank for _, severity, _ in flag.changes]
        assert ranks == sorted(ranks)
    assert {f.rule for f in run.flags if f.severity == Severity.SEE_DOCTOR} >= {
        Rule.PERSISTENT_TWITCHING
    }
