"""The triage rules: each threshold just under, at and just over, on hand-made histories.

The rules are pure functions of a History, so nothing here touches the database.
Day 0 is 1 Nov 2026; episodes and workouts are in Oslo time unless a test says
otherwise.
"""

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from triage import rules
from triage.history import EpisodeRecord, History, WorkoutRecord
from triage.metrics import daily_metrics
from triage.rules import Rule, Severity, Thresholds

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")
DAY_0 = date(2026, 11, 1)
TODAY = date(2026, 11, 30)
TARGET_ML = 2000

_ids = itertools.count(1)


def day(offset: int) -> date:
    return DAY_0 + timedelta(days=offset)


def at(on: date, hour: int = 9, minute: int = 0, zone: ZoneInfo = OSLO) -> datetime:
    return datetime.combine(on, time(hour, minute), tzinfo=zone)


def episode(on: date | datetime, **overrides) -> EpisodeRecord:
    """A one-minute calf cramp at 09:00, hours after exercise; `on` may be a day or a moment."""
    started_at = on if isinstance(on, datetime) else at(on)
    fields = {
        "duration_s": 60,
        "kind": "cramp",
        "body_region": "calf",
        "side": "left",
        "pain": 3,
        "timing": "hours_after",
        **overrides,
    }
    return EpisodeRecord(id=f"episode-{next(_ids)}", started_at=started_at, **fields)


def episodes(*offsets: int, **overrides) -> list[EpisodeRecord]:
    return [episode(day(offset), **overrides) for offset in offsets]


def workout(
    on: date | datetime, *, load: int = 50, warmed_up: bool = True, stretched_after: bool = True
) -> WorkoutRecord:
    """A workout at 07:00 whose session-RPE load (rpe x minutes) is exactly `load`."""
    started_at = on if isinstance(on, datetime) else at(on, 7)
    rpe = 5 if load % 5 == 0 else 1
    return WorkoutRecord(
        id=f"workout-{next(_ids)}",
        started_at=started_at,
        duration_min=load // rpe,
        rpe=rpe,
        warmed_up=warmed_up,
        stretched_after=stretched_after,
    )


def training(loads, *, ending: date = TODAY) -> list[WorkoutRecord]:
    """One workout on each day with a load; the last day is `ending`."""
    first = ending - timedelta(days=len(loads) - 1)
    return [workout(first + timedelta(days=i), load=load) for i, load in enumerate(loads) if load]


def history(
    episodes=(),
    workouts=(),
    *,
    today: date = TODAY,
    fluid: dict[date, int] | None = None,
    first_workout_day: date | None = None,
) -> History:
    """A History loaded for 120 days to `today`; the first workout day defaults to the earliest."""
    workouts = tuple(sorted(workouts, key=lambda w: w.started_at))
    if first_workout_day is None and workouts:
        first_workout_day = workouts[0].day
    return History(
        today=today,
        loaded_since=today - timedelta(days=119),
        episodes=tuple(sorted(episodes, key=lambda e: e.started_at)),
        workouts=workouts,
        daily_fluid_ml=fluid or {},
        fluid_target_ml=TARGET_ML,
        first_workout_day=first_workout_day,
    )


def run(rule, h: History) -> list[rules.Finding]:
    return rule(h, Thresholds.from_settings())


def only(findings: list[rules.Finding]) -> rules.Finding:
    assert len(findings) == 1, findings
    return findings[0]


def highest_acwr(h: History) -> float:
    _, series = h.load_series()
    return max(m.acwr for m in daily_metrics(series) if m.acwr is not None)


PREDICTIONS = ("injur", "risk", "probab", "chance", "likel")


# --- recurring_episodes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        pytest.param((0, 3), [], id="two-episodes"),
        pytest.param((0, 3, 6), [Severity.WATCH], id="three-within-7-days"),
        pytest.param((0, 0, 0), [Severity.WATCH], id="three-on-one-day"),
        pytest.param((0, 3, 7), [], id="three-over-8-days"),
    ],
)
def test_three_episodes_in_one_region_within_seven_days_are_watch(offsets, expected):
    findings = run(rules.recurring_episodes, history(episodes(*offsets)))

    assert [f.severity for f in findings] == expected


def test_six_episodes_within_fourteen_days_are_see_doctor():
    # Two watch-level clusters, 0-4 and 9-13, that together make six in 14 days.
    finding = only(run(rules.recurring_episodes, history(episodes(0, 2, 4, 9, 11, 13))))

    assert finding.severity == Severity.SEE_DOCTOR
    assert (finding.window_start, finding.window_end) == (day(0), day(13))


def test_six_episodes_over_fifteen_days_are_two_watch_findings():
    findings = run(rules.recurring_episodes, history(episodes(0, 2, 4, 10, 12, 14)))

    assert [f.severity for f in findings] == [Severity.WATCH, Severity.WATCH]


def test_five_episodes_within_fourteen_days_stay_watch():
    finding = only(run(rules.recurring_episodes, history(episodes(0, 2, 4, 9, 11))))

    assert finding.severity == Severity.WATCH


def test_episodes_in_different_regions_do_not_add_up():
    mixed = [
        episode(day(0), body_region="calf"),
        episode(day(1), body_region="calf"),
        episode(day(2), body_region="neck"),
        episode(day(3), body_region="thigh_back"),
    ]

    assert run(rules.recurring_episodes, history(mixed)) == []


def test_a_run_of_fifty_twitches_logged_as_one_entry_is_one_episode():
    entries = [
        episode(day(0), kind="twitch", count=50),
        episode(day(1), kind="twitch", count=1),
    ]

    assert run(rules.recurring_episodes, history(entries)) == []


def test_the_twitch_count_of_each_entry_is_shown_in_the_evidence():
    entries = [
        episode(day(0), kind="twitch", count=50),
        episode(day(1), kind="twitch"),
        episode(day(2), kind="twitch"),
    ]

    finding = only(run(rules.recurring_episodes, history(entries)))

    assert [e["count"] for e in finding.evidence["episodes"]] == [50, 1, 1]
    assert finding.evidence["twitch_count"] == 52
    assert finding.message.startswith("3 episodes in the calf")
    assert "about 52 twitches counted in all" in finding.message


# --- Shared behaviour: merging and what a finding says ------------------------------


def test_overlapping_hits_merge_into_one_finding_with_the_highest_severity():
    cramps = episodes(0, 1, 2, 4, 7, 9)

    finding = only(run(rules.recurring_episodes, history(cramps)))

    assert finding.severity == Severity.SEE_DOCTOR
    assert (finding.window_start, finding.window_end) == (day(0), day(9))
    assert [e["id"] for e in finding.evidence["episodes"]] == [e.id for e in cramps]


def test_two_clusters_far_apart_are_two_findings():
    findings = run(rules.recurring_episodes, history(episodes(0, 1, 2, 20, 21, 22)))

    assert [(f.window_start, f.window_end) for f in findings] == [
        (day(0), day(2)),
        (day(20), day(22)),
    ]


def test_a_finding_describes_what_was_seen_with_its_numbers_and_dates():
    cramps = episodes(9, 10, 11, 12, 13, 14)

    finding = only(run(rules.recurring_episodes, history(cramps)))

    assert finding.rule == Rule.RECURRING_EPISODES
    assert finding.message == "6 episodes in the calf in 6 days (10–15 Nov 2026): 6 cramps."
    assert "see your doctor" in finding.advice
    assert "keeps coming back" in finding.source


def test_the_evidence_lists_each_episode_with_its_id_and_count():
    cramps = episodes(0, 1, 2, count=3)

    evidence = only(run(rules.recurring_episodes, history(cramps))).evidence

    assert [(e["id"], e["count"]) for e in evidence["episodes"]] == [(c.id, 3) for c in cramps]
    assert evidence["twitch_count"] == 9


def test_watch_and_see_doctor_findings_give_different_advice():
    watch = only(run(rules.recurring_episodes, history(episodes(0, 1, 2))))
    doctor = only(run(rules.recurring_episodes, history(episodes(0, 1, 2, 3, 4, 5))))

    assert "keep logging" in watch.advice.lower()
    assert "see your doctor. " in doctor.advice


# --- long_episode -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "duration_s", "expected"),
    [
        ("cramp", 899, []),
        ("cramp", 900, []),
        ("cramp", 901, [Severity.WATCH]),
        ("spasm", 901, [Severity.WATCH]),
        ("spasm", 3600, [Severity.WATCH]),
    ],
)
def test_a_cramp_or_spasm_longer_than_fifteen_minutes_is_watch(kind, duration_s, expected):
    findings = run(rules.long_episode, history([episode(day(0), kind=kind, duration_s=duration_s)]))

    assert [f.severity for f in findings] == expected


@pytest.mark.parametrize("kind", ["twitch", "severe"])
def test_a_twenty_minute_episode_of_another_kind_is_not_long(kind):
    long_one = episode(day(0), kind=kind, duration_s=20 * 60)

    assert run(rules.long_episode, history([long_one])) == []


@pytest.mark.parametrize("kind", ["twitch", "cramp"])
def test_any_episode_longer_than_an_hour_is_see_doctor(kind):
    finding = only(run(rules.long_episode, history([episode(day(0), kind=kind, duration_s=3601)])))

    assert finding.severity == Severity.SEE_DOCTOR
    assert "lasts a long time" in finding.source


def test_a_twitch_of_exactly_an_hour_is_not_long():
    assert run(rules.long_episode, history([episode(day(0), kind="twitch", duration_s=3600)])) == []


def test_a_long_cramp_says_how_long_it_lasted():
    cramp = episode(day(9), duration_s=20 * 60, side="right", body_region="thigh_back")

    finding = only(run(rules.long_episode, history([cramp])))

    assert finding.message == "A cramp in the right back of the thigh on 10 Nov 2026 lasted 20 min."
    assert "15 minutes" in finding.source


# --- persistent_twitching -----------------------------------------------------------


def twitch_days(*offsets: int) -> list[EpisodeRecord]:
    return episodes(*offsets, kind="twitch", timing="unrelated")


SPREAD_OVER_21_DAYS = (0, 2, 4, 6, 8, 10, 12, 14, 17, 20)


@pytest.mark.parametrize(
    ("offsets", "fires"),
    [
        pytest.param((0, 2, 4, 6, 8, 10, 12, 14, 20), False, id="9-days-over-21"),
        pytest.param((0, 2, 4, 6, 8, 10, 12, 14, 17, 19), False, id="10-days-over-20"),
        pytest.param(SPREAD_OVER_21_DAYS, True, id="10-days-over-21"),
        pytest.param((0, 3, 6, 9, 12, 15, 18, 21, 24, 29), True, id="10-days-over-30"),
        pytest.param((0, 3, 6, 9, 12, 15, 18, 21, 24, 30), False, id="10-days-over-31"),
    ],
)
def test_episodes_on_ten_days_spread_over_three_weeks_are_persistent(offsets, fires):
    findings = run(rules.persistent_twitching, history(twitch_days(*offsets)))

    assert [f.severity for f in findings] == ([Severity.SEE_DOCTOR] if fires else [])


def test_persistent_twitching_counts_days_not_episodes():
    # Ten entries, two of them on the same day: nine days.
    entries = twitch_days(0, 2, 4, 6, 8, 10, 12, 14, 20, 20)

    assert run(rules.persistent_twitching, history(entries)) == []


def test_persistent_twitching_reports_the_days_and_the_span():
    finding = only(run(rules.persistent_twitching, history(twitch_days(*SPREAD_OVER_21_DAYS))))

    assert (finding.window_start, finding.window_end) == (day(0), day(20))
    assert finding.message.startswith("Episodes on 10 different days over 21 days (1–21 Nov 2026)")


# --- red_flag_symptoms --------------------------------------------------------------


@pytest.mark.parametrize(
    ("symptom", "named"),
    [
        ("weakness", "weakness"),
        ("sensation_change", "a change in sensation"),
        ("muscle_loss", "a loss of muscle size"),
    ],
)
def test_one_episode_with_a_red_flag_symptom_is_watch(symptom, named):
    finding = only(run(rules.red_flag_symptoms, history([episode(day(0), **{symptom: True})])))

    assert finding.severity == Severity.WATCH
    assert named in finding.message


def test_an_episode_without_symptoms_raises_no_red_flag():
    assert run(rules.red_flag_symptoms, history(episodes(0, 1, 2))) == []


@pytest.mark.parametrize(
    ("other_offsets", "expected"),
    [
        pytest.param((5,), Severity.WATCH, id="two-episodes"),
        pytest.param((5, 13), Severity.SEE_DOCTOR, id="three-within-14-days"),
        pytest.param((5, 14), Severity.WATCH, id="three-over-15-days"),
    ],
)
def test_a_red_flag_with_three_episodes_within_fourteen_days_is_see_doctor(other_offsets, expected):
    flagged = episode(day(0), kind="twitch", weakness=True)
    others = episodes(*other_offsets, body_region="neck")

    findings = run(rules.red_flag_symptoms, history([flagged, *others]))

    assert max(f.severity.rank for f in findings) == expected.rank


def test_frequent_twitching_with_a_red_flag_says_how_many_episodes():
    flagged = episode(day(0), kind="twitch", side="both", body_region="forearm", weakness=True)

    finding = only(run(rules.red_flag_symptoms, history([flagged, *episodes(2, 4)])))

    assert finding.severity == Severity.SEE_DOCTOR
    assert finding.message == (
        "A twitch in the forearm (both sides) on 1 Nov 2026 came with weakness. "
        "3 episodes in 5 days (1–5 Nov 2026)."
    )


# --- severe_pain --------------------------------------------------------------------


@pytest.mark.parametrize(("pain", "fires"), [(7, False), (8, True), (10, True)])
def test_pain_of_eight_or_more_is_see_doctor(pain, fires):
    findings = run(rules.severe_pain, history([episode(day(0), pain=pain)]))

    assert [f.severity for f in findings] == ([Severity.SEE_DOCTOR] if fires else [])


def test_a_severe_spasm_is_see_doctor_whatever_the_pain():
    finding = only(run(rules.severe_pain, history([episode(day(4), kind="severe", pain=2)])))

    assert finding.severity == Severity.SEE_DOCTOR
    assert "muscle explosion" in finding.message
    assert "5 Nov 2026, pain 2/10" in finding.message


# --- load_spike ---------------------------------------------------------------------


def test_doubling_the_daily_load_after_four_weeks_is_a_load_spike():
    h = history(workouts=training([50] * 28 + [100] * 7))

    finding = only(run(rules.load_spike, h))

    assert finding.severity == Severity.WATCH
    assert finding.window_end == TODAY
    assert finding.evidence["figures"]["acwr"] == 1.6


def test_steady_load_is_not_a_spike():
    assert run(rules.load_spike, history(workouts=training([50] * 70))) == []


@pytest.mark.parametrize(
    ("new_load", "fires"),
    [(71, False), (72, True), (73, True)],
    ids=["acwr-1.49", "acwr-1.5", "acwr-1.51"],
)
def test_an_acute_chronic_ratio_of_one_and_a_half_is_a_load_spike(new_load, fires):
    # The base weeks carry 280 AU, under the 300 AU the week-over-week check needs,
    # so only the ratio can fire: 72 a day after 40 a day is 72 / 48 = 1.5.
    h = history(workouts=training([40] * 28 + [new_load] * 7))

    assert bool(run(rules.load_spike, h)) is fires


@pytest.mark.parametrize(("history_days", "fires"), [(27, False), (28, True)])
def test_load_spike_stays_quiet_until_28_days_of_history(history_days, fires):
    # 350 AU a week, then 700: the week-over-week jump would fire without the wait.
    h = history(workouts=training([50] * (history_days - 7) + [100] * 7))

    assert bool(run(rules.load_spike, h)) is fires


def test_history_before_the_loaded_days_counts_toward_the_28():
    # Trained long ago, nothing in the 120 loaded days until a hard last week.
    hard_week = training([100] * 7)

    before = history(workouts=hard_week, first_workout_day=TODAY - timedelta(days=400))
    first_ever = history(workouts=hard_week)

    assert len(run(rules.load_spike, before)) == 1
    assert run(rules.load_spike, first_ever) == []


THREE_A_WEEK = [1, 0, 1, 0, 1, 0, 0]


def weeks_of(per_workout: int, weeks: int) -> list[int]:
    return [per_workout * n for n in THREE_A_WEEK] * weeks


@pytest.mark.parametrize(
    ("base", "new", "fires"),
    [
        pytest.param(100, 129, False, id="300-to-387-is-29pct"),
        pytest.param(100, 130, True, id="300-to-390-is-30pct"),
        pytest.param(100, 131, True, id="300-to-393-is-31pct"),
        pytest.param(99, 129, False, id="297-to-387-starts-under-300"),
    ],
)
def test_a_week_thirty_percent_above_the_one_before_is_a_load_spike(base, new, fires):
    h = history(workouts=training(weeks_of(base, 4) + weeks_of(new, 1)))
    assert highest_acwr(h) < 1.5  # so that only the week-over-week change can fire

    findings = run(rules.load_spike, h)

    assert bool(findings) is fires


def test_a_thirty_percent_jump_from_a_week_under_300_au_is_not_a_spike():
    h = history(workouts=training([40] * 28 + [52] * 7))  # 280 AU, then 364 AU
    assert highest_acwr(h) < 1.5

    assert run(rules.load_spike, h) == []


def test_a_week_over_week_spike_reports_both_weeks():
    h = history(workouts=training(weeks_of(100, 4) + weeks_of(130, 1)))

    finding = only(run(rules.load_spike, h))

    assert finding.evidence["figures"]["week_load"] == 390
    assert finding.evidence["figures"]["previous_week_load"] == 300
    assert "390 AU, 30% more than the week before (300 AU)" in finding.message


def test_a_load_spike_describes_the_numbers_and_never_predicts():
    finding = only(run(rules.load_spike, history(workouts=training([50] * 28 + [100] * 7))))

    assert finding.message.startswith("In the 7 days to 30 Nov 2026 your training load was 700 AU")
    assert "ratio reached 1.60" in finding.message
    for text in (finding.message, finding.advice):
        assert not any(word in text.lower() for word in PREDICTIONS), text


def test_a_load_spike_lists_the_workouts_of_its_window():
    workouts = training([50] * 28 + [100] * 7)

    finding = only(run(rules.load_spike, history(workouts=workouts)))

    listed = [w["id"] for w in finding.evidence["workouts"]]
    assert listed[-7:] == [w.id for w in workouts[-7:]]
    assert all(w["load"] in (50, 100) for w in finding.evidence["workouts"])


# --- dehydration_risk ---------------------------------------------------------------


def after_workouts(*offsets: int, hours_after: float = 3, **workout_fields):
    """A workout at 07:00 on each day and an episode `hours_after` it."""
    workouts = [workout(day(offset), **workout_fields) for offset in offsets]
    found = [episode(w.started_at + timedelta(hours=hours_after)) for w in workouts]
    return found, workouts


def dry(*offsets: int, ml: int = 1500) -> dict[date, int]:
    return {day(offset): ml for offset in offsets}


@pytest.mark.parametrize(
    ("offsets", "fires"),
    [((0,), False), ((0, 13), True), ((0, 14), False), ((0, 5, 10), True)],
    ids=["one-episode", "two-within-14-days", "two-over-15-days", "three"],
)
def test_two_episodes_after_workouts_on_dry_days_are_info(offsets, fires):
    found, workouts = after_workouts(*offsets)

    findings = run(rules.dehydration_risk, history(found, workouts, fluid=dry(*offsets)))

    assert [f.severity for f in findings] == ([Severity.INFO] if fires else [])


@pytest.mark.parametrize(("ml", "fires"), [(1999, True), (2000, False), (2001, False)])
def test_only_fluid_below_the_target_counts_as_a_dry_day(ml, fires):
    found, workouts = after_workouts(0, 3)

    findings = run(rules.dehydration_risk, history(found, workouts, fluid=dry(0, 3, ml=ml)))

    assert bool(findings) is fires


def test_a_day_with_no_fluid_logged_is_not_a_dry_day():
    found, workouts = after_workouts(0, 3)

    assert run(rules.dehydration_risk, history(found, workouts, fluid=dry(0))) == []


@pytest.mark.parametrize(
    ("hours_after", "fires"),
    [(23 + 59 / 60, True), (24, True), (24 + 1 / 60, False)],
    ids=["23h59", "24h", "24h01"],
)
def test_an_episode_counts_up_to_24_hours_after_the_workout(hours_after, fires):
    found, workouts = after_workouts(0, 3, hours_after=hours_after)

    findings = run(rules.dehydration_risk, history(found, workouts, fluid=dry(0, 3)))

    assert bool(findings) is fires


def test_an_episode_before_the_workout_does_not_count():
    found, workouts = after_workouts(0, 3, hours_after=-1)

    assert run(rules.dehydration_risk, history(found, workouts, fluid=dry(0, 3))) == []


def test_dehydration_names_what_was_drunk_each_day():
    found, workouts = after_workouts(9, 14)

    h = history(found, workouts, fluid={day(9): 1500, day(14): 800})
    finding = only(run(rules.dehydration_risk, h))

    assert finding.message == (
        "2 episodes in 10–15 Nov 2026 began within 24 hours of a workout on a day you drank "
        "less than your 2,000 ml target (10 Nov 2026: 1,500 ml; 15 Nov 2026: 800 ml)."
    )
    assert [w["id"] for w in finding.evidence["workouts"]] == [w.id for w in workouts]


def test_an_episode_23_and_a_half_hours_after_a_workout_counts_across_the_spring_clock_change():
    # Clocks in Oslo go forward at 02:00 on 29 Mar 2026. The workout is at 09:00 UTC
    # on the 28th; the episode 23.5 real hours later reads 10:30, 24.5 h on the wall clock.
    workouts = [workout(at(date(2026, 3, 20), 7)), workout(at(date(2026, 3, 28), 10))]
    found = [
        episode(at(date(2026, 3, 20), 10)),
        episode((workouts[1].started_at.astimezone(UTC) + timedelta(hours=23.5)).astimezone(OSLO)),
    ]
    fluid = {date(2026, 3, 20): 1500, date(2026, 3, 28): 1500}

    h = history(found, workouts, today=date(2026, 4, 30), fluid=fluid)

    assert len(run(rules.dehydration_risk, h)) == 1


# --- unexplained_twitching ----------------------------------------------------------


def unrelated(*offsets: int) -> list[EpisodeRecord]:
    return episodes(*offsets, kind="twitch", timing="unrelated")


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        pytest.param((0, 3, 6, 9), [], id="four"),
        pytest.param((0, 3, 6, 9, 13), [Severity.SEE_DOCTOR], id="five-within-14-days"),
        pytest.param((0, 3, 6, 9, 14), [], id="five-over-15-days"),
        pytest.param((0, 2, 4, 6, 8, 10), [Severity.SEE_DOCTOR], id="six"),
    ],
)
def test_five_twitches_unrelated_to_exercise_within_fourteen_days_are_see_doctor(offsets, expected):
    findings = run(rules.unexplained_twitching, history(unrelated(*offsets)))

    assert [f.severity for f in findings] == expected


@pytest.mark.parametrize(
    ("hours_before", "fires"), [(47, False), (48, False), (49, True)], ids=["47h", "48h", "49h"]
)
def test_a_workout_in_the_48_hours_before_explains_an_episode(hours_before, fires):
    twitches = unrelated(0, 3, 6, 9, 12)
    workouts = [workout(twitches[2].started_at - timedelta(hours=hours_before))]

    findings = run(rules.unexplained_twitching, history(twitches, workouts))

    assert bool(findings) is fires


def test_episodes_timed_around_exercise_are_not_unexplained():
    twitches = episodes(0, 2, 4, 6, 8, kind="twitch", timing="hours_after")

    assert run(rules.unexplained_twitching, history(twitches)) == []


def test_unexplained_twitching_counts_entries_not_twitches():
    twitches = episodes(0, 3, 6, 9, kind="twitch", timing="unrelated", count=40)

    assert run(rules.unexplained_twitching, history(twitches)) == []


def test_unexplained_twitching_says_there_was_no_workout_before():
    finding = only(run(rules.unexplained_twitching, history(unrelated(0, 3, 6, 9, 13))))

    assert finding.message == (
        "5 episodes in 14 days (1–14 Nov 2026) were unrelated to exercise, with no workout "
        "in the 48 hours before each: 5 twitches."
    )


def test_a_workout_48_and_a_half_hours_before_does_not_explain_across_the_autumn_clock_change():
    # Clocks in Oslo go back at 03:00 on 25 Oct 2026. The workout is at 08:00 UTC on
    # the 24th; the episode 48.5 real hours later reads 47.5 h on the wall clock.
    workout_at = datetime(2026, 10, 24, 8, tzinfo=UTC).astimezone(OSLO)
    moments = [at(date(2026, 10, d), 21) for d in (20, 21, 22, 28)]
    moments.append((workout_at.astimezone(UTC) + timedelta(hours=48.5)).astimezone(OSLO))
    twitches = [episode(m, kind="twitch", timing="unrelated") for m in moments]

    h = history(twitches, [workout(workout_at)], today=date(2026, 11, 30))

    assert only(run(rules.unexplained_twitching, h)).severity == Severity.SEE_DOCTOR


# --- return_after_break -------------------------------------------------------------

BEFORE_BREAK = date(2026, 9, 1)  # four weeks at 50 a day: 350 AU a week


def comeback(days_off: int, loads) -> History:
    before = training([50] * 28, ending=BEFORE_BREAK + timedelta(days=27))
    back = before[-1].day + timedelta(days=days_off + 1)
    after = [workout(back + timedelta(days=i), load=load) for i, load in enumerate(loads)]
    return history(workouts=before + after, today=date(2026, 11, 30))


@pytest.mark.parametrize(
    ("days_off", "fires"), [(13, False), (14, True), (15, True)], ids=["13", "14", "15"]
)
def test_a_heavy_week_after_two_weeks_off_is_info(days_off, fires):
    findings = run(rules.return_after_break, comeback(days_off, [100] * 4))

    assert [f.severity for f in findings] == ([Severity.INFO] if fires else [])


@pytest.mark.parametrize(
    ("loads", "fires"),
    [([50] * 7, False), ([100, 100, 100, 50], False), ([100, 100, 100, 51], True)],
    ids=["350-usual", "350-in-fewer-days", "351"],
)
def test_only_a_comeback_week_heavier_than_the_usual_week_is_info(loads, fires):
    findings = run(rules.return_after_break, comeback(14, loads))

    assert bool(findings) is fires


@pytest.mark.parametrize(("first_day_before", "fires"), [(26, False), (27, True)])
def test_return_after_break_needs_28_days_of_training_before_the_break(first_day_before, fires):
    last_before = BEFORE_BREAK + timedelta(days=27)
    h = replace(
        comeback(14, [100] * 4),
        first_workout_day=last_before - timedelta(days=first_day_before),
    )

    assert bool(run(rules.return_after_break, h)) is fires


def test_return_after_break_describes_the_comeback_and_never_predicts():
    finding = only(run(rules.return_after_break, comeback(14, [100] * 4)))

    assert (finding.window_start, finding.window_end) == (date(2026, 10, 13), date(2026, 10, 19))
    assert finding.message == (
        "You came back on 13 Oct 2026 after 14 days without a workout, with 400 AU in the "
        "first 7 days: more than your average week before the break (350 AU)."
    )
    assert not any(word in finding.message.lower() for word in PREDICTIONS)


# --- no_warmup_pattern --------------------------------------------------------------


@pytest.mark.parametrize(
    ("offsets", "fires"),
    [((0, 5), False), ((0, 5, 13), True), ((0, 5, 14), False)],
    ids=["two", "three-within-14-days", "three-over-15-days"],
)
def test_three_episodes_after_workouts_without_warm_up_or_stretching_are_info(offsets, fires):
    found, workouts = after_workouts(*offsets, warmed_up=False, stretched_after=False)

    findings = run(rules.no_warmup_pattern, history(found, workouts))

    assert [f.severity for f in findings] == ([Severity.INFO] if fires else [])


@pytest.mark.parametrize("habit", ["warmed_up", "stretched_after"])
def test_a_warm_up_or_stretching_keeps_the_pattern_quiet(habit):
    found, workouts = after_workouts(
        0, 5, 10, **{"warmed_up": False, "stretched_after": False, habit: True}
    )

    assert run(rules.no_warmup_pattern, history(found, workouts)) == []


def test_an_episode_more_than_24_hours_after_the_workout_is_not_part_of_the_pattern():
    found, workouts = after_workouts(0, 5, 10, warmed_up=False, stretched_after=False)
    found[-1] = episode(workouts[-1].started_at + timedelta(hours=25))

    assert run(rules.no_warmup_pattern, history(found, workouts)) == []


def test_the_no_warmup_pattern_lists_the_workouts():
    found, workouts = after_workouts(0, 5, 10, warmed_up=False, stretched_after=False)

    finding = only(run(rules.no_warmup_pattern, history(found, workouts)))

    assert [w["id"] for w in finding.evidence["workouts"]] == [w.id for w in workouts]
    assert finding.message.startswith("3 episodes in 1–11 Nov 2026 began within 24 hours")


# --- Time zones ---------------------------------------------------------------------


def test_an_episode_at_2330_counts_on_the_athletes_local_day():
    # 23:30 on 7 Nov in New York is 04:30 on 8 Nov in UTC.
    late = episode(at(day(6), 23, 30, NEW_YORK))
    cramps = [episode(at(day(0), 9, 0, NEW_YORK)), episode(at(day(3), 9, 0, NEW_YORK)), late]

    finding = only(run(rules.recurring_episodes, history(cramps)))

    assert finding.window_end == date(2026, 11, 7)
    assert "(1–7 Nov 2026)" in finding.message


def test_an_episode_after_local_midnight_counts_on_the_next_local_day():
    # 00:30 on 8 Nov in Oslo is still 7 Nov in UTC: eight local days, not seven.
    cramps = [*episodes(0, 3), episode(at(day(7), 0, 30))]

    assert run(rules.recurring_episodes, history(cramps)) == []


def test_fluid_is_counted_on_the_local_day_of_a_late_workout():
    workouts = [workout(at(day(d), 22, 0, NEW_YORK)) for d in (0, 3)]
    late = [episode(at(day(d), 23, 30, NEW_YORK)) for d in (0, 3)]

    findings = run(rules.dehydration_risk, history(late, workouts, fluid=dry(0, 3)))

    assert len(findings) == 1


# --- Thresholds and evaluate --------------------------------------------------------


def test_thresholds_come_from_settings(settings):
    settings.TRIAGE = {**settings.TRIAGE, "severe_pain": 7}

    assert len(run(rules.severe_pain, history([episode(day(0), pain=7)]))) == 1


def test_evaluate_collects_every_rules_findings():
    long_and_painful = episode(day(0), duration_s=2 * 3600, pain=9)

    found = rules.evaluate(history([long_and_painful]), Thresholds.from_settings())

    assert {(f.rule, f.severity) for f in found} == {
        (Rule.LONG_EPISODE, Severity.SEE_DOCTOR),
        (Rule.SEVERE_PAIN, Severity.SEE_DOCTOR),
    }


def test_a_healthy_ten_week_history_raises_nothing():
    first = TODAY - timedelta(days=69)
    days = [first + timedelta(days=i) for i in range(70)]
    # Four workouts a week on the same weekdays, each warmed up and stretched.
    workouts = [workout(d, load=300) for i, d in enumerate(days) if i % 7 in (0, 1, 3, 5)]
    twitch = episode(at(days[40], 10), kind="twitch", timing="right_after")

    h = history([twitch], workouts, fluid={d: 2500 for d in days})

    assert rules.evaluate(h, Thresholds.from_settings()) == []


# --- Many entries ---------------------------------------------------------------------


def test_thousands_of_episodes_in_a_week_make_one_finding_with_capped_evidence():
    flood = [episode(at(day(offset % 7), 8 + offset % 12, offset % 60)) for offset in range(5000)]

    finding = only(run(rules.recurring_episodes, history(flood)))

    assert finding.severity == Severity.SEE_DOCTOR
    assert finding.evidence["episodes_total"] == 5000
    assert len(finding.evidence["episodes"]) == rules.EVIDENCE_LIMIT
    assert finding.message.startswith("5000 episodes in the calf in 7 days")


def test_runs_join_overlapping_windows_into_one_stretch():
    found = episodes(0, 1, 2, 3, 4, 5, 6, 20, 21, 22)

    stretches = list(rules.runs(found, 3, 7))

    assert [(run[0].day, run[-1].day) for run in stretches] == [
        (day(0), day(6)),
        (day(20), day(22)),
    ]
