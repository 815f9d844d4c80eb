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
from triage.history import CheckinRecord, EpisodeRecord, History, WorkoutRecord
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
    checkins=(),
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
        checkins=tuple(sorted(checkins)),
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
        pytest.param((0, 0, 0), [], id="three-on-one-day-are-one-day"),
        pytest.param((0, 0, 3, 6), [Severity.WATCH], id="four-on-three-days"),
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
    assert finding.message == (
        "Episodes in the calf on 3 days within 3 days (1–3 Nov 2026): 3 twitches, "
        "about 52 twitches counted in all."
    )


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
    assert finding.message == (
        "Episodes in the calf on 6 days within 6 days (10–15 Nov 2026): 6 cramps."
    )
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
    assert "doesn't require a doctor's visit" in watch.advice
    assert "occasional twitch" in watch.source
    assert "see your doctor. " in doctor.advice


def test_six_episodes_on_two_days_are_not_six_days():
    assert run(rules.recurring_episodes, history(episodes(0, 0, 0, 1, 1, 1))) == []


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


@pytest.mark.parametrize("kind", ["twitch"])
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


def test_a_twenty_minute_muscle_explosion_is_long_too():
    finding = only(
        run(rules.long_episode, history([episode(day(0), kind="severe", duration_s=1200)]))
    )

    assert finding.severity == Severity.WATCH


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        pytest.param(27, [Severity.SEE_DOCTOR], id="again-within-28-days"),
        pytest.param(28, [Severity.WATCH, Severity.WATCH], id="29-days-apart"),
    ],
)
def test_a_second_long_cramp_within_28_days_is_see_doctor(second, expected):
    long_cramps = episodes(0, second, duration_s=20 * 60)

    findings = run(rules.long_episode, history(long_cramps))

    assert [f.severity for f in findings] == expected


def test_two_long_cramps_say_how_long_each_lasted():
    found = [
        episode(day(2), duration_s=20 * 60, side="right", body_region="thigh_back"),
        episode(day(20), duration_s=31 * 60 + 5),
    ]

    finding = only(run(rules.long_episode, history(found)))

    assert finding.message == (
        "A cramp in the right back of the thigh on 3 Nov 2026 lasted 20 min. "
        "A cramp in the left calf on 21 Nov 2026 lasted 31 min 5 s."
    )
    assert "serious condition" in finding.advice


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
    ("symptom", "named", "severity"),
    [
        ("weakness", "weakness", Severity.WATCH),
        ("sensation_change", "a change in sensation", Severity.WATCH),
        ("muscle_loss", "a loss of muscle size", Severity.SEE_DOCTOR),
    ],
)
def test_one_episode_with_weakness_or_numbness_is_watch_and_muscle_loss_see_doctor(
    symptom, named, severity
):
    finding = only(run(rules.red_flag_symptoms, history([episode(day(0), **{symptom: True})])))

    assert finding.severity == severity
    assert named in finding.message


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        pytest.param(27, Severity.SEE_DOCTOR, id="back-within-28-days"),
        pytest.param(28, Severity.WATCH, id="29-days-later"),
    ],
)
def test_a_symptom_that_comes_back_on_a_second_day_is_see_doctor(second, expected):
    found = [episode(day(0), sensation_change=True), episode(day(second), weakness=True)]

    findings = run(rules.red_flag_symptoms, history(found))

    assert max(f.severity.rank for f in findings) == expected.rank


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
def test_a_symptom_with_episodes_on_three_days_within_fourteen_is_see_doctor(
    other_offsets, expected
):
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
        "Episodes on 3 days within 5 days (1–5 Nov 2026)."
    )


def test_three_episodes_on_one_day_are_not_frequent_twitching():
    flagged = episode(day(0), kind="twitch", weakness=True)

    findings = run(rules.red_flag_symptoms, history([flagged, *episodes(0, 0)]))

    assert [f.severity for f in findings] == [Severity.WATCH]


# --- severe_pain --------------------------------------------------------------------


@pytest.mark.parametrize(("pain", "fires"), [(7, False), (8, True), (10, True)])
def test_one_ordinary_cramp_with_pain_of_eight_or_more_is_watch(pain, fires):
    findings = run(rules.severe_pain, history([episode(day(0), pain=pain)]))

    assert [f.severity for f in findings] == ([Severity.WATCH] if fires else [])


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        pytest.param(27, Severity.SEE_DOCTOR, id="again-within-28-days"),
        pytest.param(28, Severity.WATCH, id="29-days-later"),
    ],
)
def test_painful_cramps_that_come_back_are_see_doctor(second, expected):
    findings = run(rules.severe_pain, history(episodes(0, second, pain=8)))

    assert max(f.severity.rank for f in findings) == expected.rank


def test_a_painful_cramp_that_is_also_long_is_see_doctor():
    finding = only(run(rules.severe_pain, history([episode(day(0), pain=9, duration_s=1201)])))

    assert finding.severity == Severity.SEE_DOCTOR


def test_a_painful_cramp_on_its_own_says_what_the_guidance_says_without_alarm():
    finding = only(run(rules.severe_pain, history([episode(day(0), pain=8)])))

    assert finding.message == "A cramp in the left calf on 1 Nov 2026, pain 8/10, 1 min."
    assert "sustained and painful" in finding.source
    for text in (finding.message, finding.advice, finding.source):
        assert "serious condition" not in text


def test_a_severe_spasm_is_see_doctor_whatever_the_pain():
    finding = only(run(rules.severe_pain, history([episode(day(4), kind="severe", pain=2)])))

    assert finding.severity == Severity.SEE_DOCTOR
    assert "muscle explosion" in finding.message
    assert "5 Nov 2026, pain 2/10" in finding.message


# --- load_spike ---------------------------------------------------------------------

SUNDAY = date(2026, 11, 29)


def weeks(*week_loads: int, ending: date = SUNDAY) -> list[WorkoutRecord]:
    """Calendar weeks ending on `ending` (a Sunday), each week's load in five equal
    workouts, Monday to Friday."""
    first_monday = ending - timedelta(days=7 * len(week_loads) - 1)
    found = []
    for index, load in enumerate(week_loads):
        for weekday in range(5):
            if load:
                found.append(
                    workout(first_monday + timedelta(days=7 * index + weekday), load=load // 5)
                )
    return found


def loads(*week_loads: int, today: date = SUNDAY) -> History:
    return history(
        workouts=weeks(*week_loads, ending=today - timedelta(days=today.weekday() - 6)), today=today
    )


@pytest.mark.parametrize(
    ("last_week", "fires"),
    [(975, False), (1000, True), (1500, True)],
    ids=["1.95-times", "twice", "three-times"],
)
def test_a_week_of_twice_the_usual_is_a_jump(last_week, fires):
    findings = run(rules.load_spike, loads(500, 500, 500, 500, last_week))

    assert [f.severity for f in findings] == ([Severity.WATCH] if fires else [])


def test_a_week_of_one_and_a_half_times_the_usual_is_ordinary():
    # A 5-session week among 3-session ones: one healthy week in twenty is like it.
    assert run(rules.load_spike, loads(500, 500, 500, 500, 750)) == []


def test_a_jump_window_is_its_week_and_it_reports_the_usual_week():
    finding = only(run(rules.load_spike, loads(400, 600, 500, 500, 1000)))

    assert (finding.window_start, finding.window_end) == (date(2026, 11, 23), SUNDAY)
    figures = finding.evidence["figures"]
    assert (figures["week_load"], figures["usual_week_load"], figures["times_usual"]) == (
        1000,
        500,
        2.0,
    )
    assert finding.message.startswith(
        "Your training load in the week of 23 Nov 2026 was 1,000 AU, 2.0 times your usual "
        "week (500 AU, the middle of your 4 weeks of training before)."
    )


def test_a_holiday_neither_lowers_the_usual_week_nor_counts_as_one():
    # Two weeks off, then a lighter week back and an ordinary one.
    assert run(rules.load_spike, loads(800, 800, 800, 800, 0, 0, 500, 800)) == []


def test_the_week_after_a_break_is_left_to_return_after_break():
    h = loads(500, 500, 500, 500, 500, 0, 0, 1500)

    assert run(rules.load_spike, h) == []
    assert [f.rule for f in rules.evaluate(h, Thresholds.from_settings())] == [
        Rule.RETURN_AFTER_BREAK
    ]


def test_a_jump_needs_28_days_of_training_history_before_its_week():
    assert run(rules.load_spike, loads(500, 500, 500, 1500)) == []
    assert len(run(rules.load_spike, loads(500, 500, 500, 500, 1500))) == 1


def test_history_before_the_loaded_days_counts_toward_the_28():
    # Trained long ago, then four ordinary weeks and a doubled one in the loaded days.
    h = loads(500, 500, 500, 500, 1000)
    long_ago = replace(h, first_workout_day=SUNDAY - timedelta(days=400))

    assert len(run(rules.load_spike, long_ago)) == 1


def test_a_light_week_is_no_jump_however_it_compares():
    assert run(rules.load_spike, loads(100, 100, 100, 100, 250)) == []


@pytest.mark.parametrize(
    ("rise", "fires"),
    [
        pytest.param((650, 700, 750), True, id="1.3-1.4-1.5"),
        pytest.param((650, 700, 740), False, id="last-under-1.5"),
        pytest.param((590, 760, 760), False, id="first-under-1.2"),
        pytest.param((600, 600, 750), False, id="mean-under-1.4"),
    ],
)
def test_three_heavy_weeks_that_keep_climbing_are_a_sustained_rise(rise, fires):
    findings = run(rules.load_spike, loads(500, 500, 500, 500, *rise))

    assert bool(findings) is fires
    if fires:
        finding = only(findings)
        assert finding.window_start == date(2026, 11, 9)
        assert finding.evidence["figures"]["weeks"] == list(rise)
        assert finding.message.startswith(
            "Your training load stayed well above your usual week (500 AU, the middle of your "
            "4 weeks of training before) for 3 weeks running (650, 700 and 750 AU), reaching "
            "1.5 times it in the week of 23 Nov 2026."
        )


def test_one_heavy_week_and_back_is_no_rise():
    assert run(rules.load_spike, loads(500, 500, 500, 500, 950, 500, 500)) == []


def test_the_week_so_far_counts_as_soon_as_it_has_doubled():
    wednesday = date(2026, 12, 2)
    h = history(
        workouts=[
            *weeks(500, 500, 500, 500, ending=SUNDAY),
            *(workout(wednesday - timedelta(days=n), load=350) for n in range(3)),
        ],
        today=wednesday,
    )

    finding = only(run(rules.load_spike, h))

    assert finding.window_end == wednesday
    assert "this week so far was 1,050 AU, 2.1 times" in finding.message


def test_a_load_spike_describes_the_numbers_and_never_predicts():
    finding = only(run(rules.load_spike, loads(500, 500, 500, 500, 1000)))

    assert "acute:chronic ratio" in finding.message
    for text in (finding.message, finding.advice):
        assert not any(word in text.lower() for word in PREDICTIONS), text
        assert "serious condition" not in text


def test_a_load_spike_lists_the_workouts_of_its_window():
    workouts = weeks(500, 500, 500, 500, 1000)

    finding = only(run(rules.load_spike, history(workouts=workouts, today=SUNDAY)))

    assert [w["id"] for w in finding.evidence["workouts"]] == [w.id for w in workouts[-5:]]


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
        "Episodes on 2 days in 10–15 Nov 2026 began within 24 hours of a workout in the heat "
        "or on a day you drank less than your 2,000 ml target (10 Nov 2026: 1,500 ml drunk; "
        "15 Nov 2026: 800 ml drunk)."
    )
    assert [w["id"] for w in finding.evidence["workouts"]] == [w.id for w in workouts]


def test_workouts_in_the_heat_count_whatever_was_drunk():
    found, workouts = after_workouts(9, 14)
    hot = [w._replace(hot_conditions=True) for w in workouts]

    finding = only(run(rules.dehydration_risk, history(found, hot)))

    assert "(10 Nov 2026: hot; 15 Nov 2026: hot)" in finding.message
    assert "hot weather" in finding.source


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


def unrelated(*offsets: int, **overrides) -> list[EpisodeRecord]:
    """Twitches at 21:00, logged as unrelated to exercise."""
    return [
        episode(at(day(offset), 21), kind="twitch", timing="unrelated", **overrides)
        for offset in offsets
    ]


def trains() -> list[WorkoutRecord]:
    """An athlete who logs training: a workout every third day from 40 days before day 0."""
    return [workout(day(offset)) for offset in range(-40, 30, 3)]


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        pytest.param((0, 3, 6, 9), [], id="four-days"),
        pytest.param((0, 3, 6, 9, 13), [Severity.SEE_DOCTOR], id="five-days-within-14"),
        pytest.param((0, 3, 6, 9, 14), [], id="five-days-over-15"),
        pytest.param((0, 2, 4, 6, 8, 10), [Severity.SEE_DOCTOR], id="six-days"),
        pytest.param((0, 0, 3, 3, 6, 6, 9), [], id="seven-twitches-on-four-days"),
    ],
)
def test_twitching_unrelated_to_exercise_on_five_days_within_fourteen_is_see_doctor(
    offsets, expected
):
    findings = run(rules.unexplained_twitching, history(unrelated(*offsets), trains()))

    assert [f.severity for f in findings] == expected


def test_it_needs_an_athlete_who_logs_training():
    # Without a logged workout, "unrelated to exercise" says too little.
    assert run(rules.unexplained_twitching, history(unrelated(0, 3, 6, 9, 13))) == []


def test_episodes_timed_around_exercise_are_not_unexplained():
    twitches = episodes(0, 2, 4, 6, 8, kind="twitch", timing="hours_after")

    assert run(rules.unexplained_twitching, history(twitches, trains())) == []


def checkin(offset: int, **fields) -> CheckinRecord:
    return CheckinRecord(
        day(offset), **{"sleep_hours": 7, "caffeine_mg": 100, "stress": 3, **fields}
    )


@pytest.mark.parametrize(
    "named",
    [
        pytest.param({"ill": True}, id="ill"),
        pytest.param({"new_medication": True}, id="new-medicine"),
        pytest.param({"stress": 7}, id="stress-7"),
        pytest.param({"caffeine_mg": 400}, id="caffeine-400-mg"),
        pytest.param({"caffeine_mg": 150}, id="caffeine-1.5-times-usual"),
    ],
)
def test_a_day_whose_check_in_names_a_known_cause_is_set_aside(named):
    usual = [checkin(offset) for offset in (1, 2, 4, 5, 7)]  # 100 mg a day

    findings = run(
        rules.unexplained_twitching,
        history(unrelated(0, 3, 6, 9, 13), trains(), checkins=[*usual, checkin(9, **named)]),
    )

    assert findings == []


def test_an_ordinary_check_in_explains_nothing():
    ordinary = [checkin(offset, stress=6, caffeine_mg=140) for offset in (0, 3, 6, 9, 13)]

    findings = run(
        rules.unexplained_twitching, history(unrelated(0, 3, 6, 9, 13), trains(), checkins=ordinary)
    )

    assert [f.severity for f in findings] == [Severity.SEE_DOCTOR]


def test_unexplained_twitching_says_what_it_counted_and_what_it_left_out():
    twitches = unrelated(0, 2, 4, 6, 8, 10)

    finding = only(
        run(
            rules.unexplained_twitching,
            history(twitches, trains(), checkins=[checkin(2, ill=True)]),
        )
    )

    assert finding.message == (
        "Episodes on 5 days within 11 days (1–11 Nov 2026) were unrelated to exercise, on days "
        "whose check-in named no known cause: 5 twitches. 1 other day with such episodes was "
        "left out: its check-in named illness."
    )
    assert "speak to your doctor" in finding.advice


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
    settings.TRIAGE = {**settings.TRIAGE, "painful": 7}

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
    assert finding.message.startswith("Episodes in the calf on 7 days within 7 days")


def test_runs_join_overlapping_windows_into_one_stretch():
    found = episodes(0, 1, 2, 3, 4, 5, 6, 20, 21, 22)

    stretches = list(rules.runs(found, 3, 7))

    assert [(run[0].day, run[-1].day) for run in stretches] == [
        (day(0), day(6)),
        (day(20), day(22)),
    ]
