"""The export parsers, against the real files in tests/data/imports.

The figures asserted here are the ones SOURCES.md lists under "Facts to
assert"; the malformed files are built in tmp_path. No database is needed.
"""

import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from logbook import importers
from logbook.importers import ImportFileError, Session, effort

DATA = Path(__file__).parent / "data" / "imports"
LIMIT = 50_000_000
AH_ZIP_XML = DATA / "apple_health/healthkit-to-sqlite_zip_contents/apple_health_export/export.xml"
AH_ROUTE = AH_ZIP_XML.parent / "workout-routes/route_2019-06-11_3.00pm.gpx"


def load(relative: str, max_bytes: int = LIMIT) -> importers.Parsed:
    path = DATA / relative
    return importers.parse(path, path.name, max_bytes=max_bytes)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def read_all(path: Path, name: str, max_bytes: int) -> list[Session]:
    return list(importers.parse(path, name, max_bytes=max_bytes).sessions)


def error(path: Path, name: str = "", max_bytes: int = LIMIT) -> str:
    """The message of the ImportFileError that parsing (and reading) the file raises."""
    with pytest.raises(ImportFileError) as caught:
        read_all(path, name or path.name, max_bytes)
    return str(caught.value)


def minutes(sessions) -> float:
    return sum(session.duration_s for session in sessions) / 60


# Strong


def test_strong_classic_export_leaves_out_the_timers_left_running():
    parsed = load("strong/strongappanalytics_strong.csv")

    assert len(parsed.sessions) == 84
    assert minutes(parsed.sessions) == 9_710
    assert parsed.left_out == [
        "Evening Workout on 2021-02-22 (line 369): 42h 13m is longer than a day; "
        "left out — was the timer left running?",
        "Afternoon Workout on 2021-03-03 (line 427): 83h 31m is longer than a day; "
        "left out — was the timer left running?",
    ]
    # With the two left out (2,533 + 5,011 min), the file's 86 sessions and 17,254 minutes.
    assert 9_710 + 2_533 + 5_011 == 17_254


def test_strong_classic_export_first_and_last_session():
    sessions = load("strong/strongappanalytics_strong.csv").sessions

    first, last = sessions[0], sessions[-1]
    assert (first.started_at, first.title, first.duration_s) == (
        datetime(2020, 12, 30, 18, 51, 52),
        "Evening Workout",
        2 * 3600 + 38 * 60,
    )
    assert (last.started_at, last.title, last.duration_s) == (
        datetime(2021, 9, 6, 18, 21, 27),
        "Evening Workout",
        2 * 3600 + 2 * 60,
    )
    assert first.started_at.tzinfo is None  # naive local wall-clock time
    assert (first.source, first.kind, first.duration_basis) == ("strong", "strength", "elapsed")
    assert first.source_key == "2020-12-30 18:51:52|Evening Workout"
    assert first.where == "line 2"


def test_strong_distance_without_a_unit_is_left_unknown():
    # The classic layout has a swimming row with Distance 1.0 but never says in what unit.
    sessions = load("strong/strongappanalytics_strong.csv").sessions

    assert {session.distance_km for session in sessions} == {None}
    assert all(session.rpe_values == () for session in sessions)  # RPE is always empty there


def test_strong_reads_workout_names_with_quoted_commas():
    sessions = load("strong/strong-charts_strong.csv").sessions

    assert len(sessions) == 129
    assert minutes(sessions) == 12_297
    assert len({session.title for session in sessions}) == 11
    assert "A (Chest, Triceps, Legs, Shoulders)" in {session.title for session in sessions}
    assert min(session.duration_s for session in sessions) == 53 * 60
    assert max(session.duration_s for session in sessions) == 161 * 60
    assert (sessions[0].started_at, sessions[0].title, sessions[0].duration_s) == (
        datetime(2021, 2, 10, 16, 46, 13),
        "Mittwoch",
        138 * 60,
    )
    assert (sessions[-1].started_at, sessions[-1].title, sessions[-1].duration_s) == (
        datetime(2021, 12, 22, 15, 7, 27),
        "Mittwoch",
        104 * 60,
    )


def test_strong_oct_2025_layout_without_notes_and_with_float_reps():
    path = DATA / "strong/strong-statistics_2025-10_comma.csv"
    assert not path.read_bytes().endswith(b"\n")  # no final newline

    sessions = load("strong/strong-statistics_2025-10_comma.csv").sessions

    assert len(sessions) == 15
    assert minutes(sessions) == 800
    assert (sessions[0].started_at, sessions[0].title, sessions[0].duration_s) == (
        datetime(2024, 11, 28, 17, 36, 8),
        "B",
        35 * 60,
    )
    assert (sessions[-1].started_at, sessions[-1].title, sessions[-1].duration_s) == (
        datetime(2025, 10, 8, 13, 3, 21),
        "Tuesdays",
        75 * 60,
    )


def test_strong_semicolon_layout_reads_seconds_and_blank_weights():
    sessions = load("strong/strong-statistics_2025-09_semicolon.csv").sessions

    assert len(sessions) == 10
    assert sum(session.duration_s for session in sessions) == 30_031
    assert round(minutes(sessions), 2) == 500.52
    assert (sessions[0].started_at, sessions[0].title, sessions[0].duration_s) == (
        datetime(2024, 11, 28, 17, 36, 8),
        "B",
        2134,
    )
    assert (sessions[-1].started_at, sessions[-1].title, sessions[-1].duration_s) == (
        datetime(2025, 9, 15, 19, 24, 40),
        "Tuesdays",
        4105,
    )


def test_strong_re_export_keeps_the_session_keys():
    # The same athlete exported in Sep 2025 (semicolon) and Oct 2025 (comma, whole minutes).
    september = {
        s.source_key: s for s in load("strong/strong-statistics_2025-09_semicolon.csv").sessions
    }
    october = {s.source_key: s for s in load("strong/strong-statistics_2025-10_comma.csv").sessions}

    assert set(september) <= set(october)
    for key, session in september.items():
        assert 0 <= session.duration_s - october[key].duration_s < 60


def test_strong_french_header_and_durations():
    parsed = load("synthetic/strong_french.csv")

    assert [(s.title, s.started_at, s.duration_s, s.rpe_values) for s in parsed.sessions] == [
        ("Séance du soir", datetime(2024, 3, 4, 18, 2, 11), 65 * 60, (8.0, 8.5, 9.0)),
        ("Jambes", datetime(2024, 3, 6, 7, 15, 40), 35 * 60, ()),
    ]


def test_strong_older_android_layout_with_unit_columns():
    parsed = load("synthetic/strong_android_units.csv")

    arms, cardio = parsed.sessions
    assert (arms.title, arms.duration_s, arms.rpe_values, arms.distance_km) == (
        "Arms",
        44 * 60,
        (7.5, 9.0),
        None,
    )
    assert (cardio.title, cardio.duration_s, cardio.distance_km) == ("Cardio", 65 * 60, 4.989)


def test_strong_rest_timer_and_note_rows_give_no_rpe(tmp_path):
    path = write(
        tmp_path,
        "strong.csv",
        '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
        '"Weight (kg)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"\n'
        '"1";"2025-09-20 10:00:00";"Legs";"3600";"Squat";"W";"40";"10";"6";"";"";"";""\n'
        '"1";"2025-09-20 10:00:00";"Legs";"3600";"Squat";"Rest Timer";"";"";"10";"";"90";"";""\n'
        '"1";"2025-09-20 10:00:00";"Legs";"3600";"Squat";"1";"80";"5";"8.5";"";"";"";""\n'
        '"1";"2025-09-20 10:00:00";"Legs";"3600";"Squat";"Note";"";"";"3";"";"";"knee";""\n'
        '"1";"2025-09-20 10:00:00";"Legs";"3600";"Rowing";"1";"";"";"";"2000";"480";"";""\n',
    )

    (session,) = importers.parse(path, "strong.csv", max_bytes=LIMIT).sessions

    assert session.rpe_values == (6.0, 8.5)
    assert session.distance_km == 2.0  # from "Distance (meters)"


def test_strong_accepts_trailing_blank_lines(tmp_path):
    text = (DATA / "strong/strong-statistics_2025-10_comma.csv").read_text() + "\n\n\r\n\n"
    path = write(tmp_path, "strong.csv", text)

    assert len(importers.parse(path, "strong.csv", max_bytes=LIMIT).sessions) == 15


def test_strong_unquoted_comma_in_a_name_is_an_error_naming_the_line(tmp_path):
    path = write(
        tmp_path,
        "strong.csv",
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
        "Notes,Workout Notes,RPE\n"
        '2021-02-10 16:46:13,"Mittwoch",2h 18m,"Bench Press (Barbell)",1,75.0,8,0,0,"","",\n'
        "2021-02-12 16:46:13,A (Chest, Triceps),1h 5m,Dips,1,0,8,0,0,,,\n",
    )

    assert error(path) == (
        "strong.csv, line 3: the row has 13 fields but the header has 12 columns; "
        "a comma inside a name or note needs double quotes around that field."
    )


def test_strong_bad_date_names_the_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "strong.csv",
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"
        '2024-11-28 17:36:08,"B",35m,"Row",1,10.0,13.0,0,0.0,\n'
        '28/11/2024 17:36,"B",35m,"Row",2,10.0,13.0,0,0.0,\n',
    )

    assert error(path) == (
        'strong.csv, line 3, "Date": "28/11/2024 17:36" is not a date and time '
        "like 2021-03-03 14:45:52."
    )


def test_strong_bad_duration_names_the_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "strong.csv",
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"
        '2024-11-28 17:36:08,"B",1x 5m,"Row",1,10.0,13.0,0,0.0,\n',
    )

    assert error(path) == 'strong.csv, line 2, "Duration": "1x 5m" is not a duration like 1h 5m.'


def test_strong_bad_rpe_names_the_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "strong.csv",
        "Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps;RPE\n"
        "2024-11-28 17:36:08;B;35m;Row;1;10;13;8\n"
        "2024-11-28 17:36:08;B;35m;Row;2;10;13;eight\n",
    )

    assert error(path) == 'strong.csv, line 3, "RPE": "eight" is not a number.'


def test_strong_missing_required_column_is_named(tmp_path):
    path = write(
        tmp_path,
        "strong.csv",
        "Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n"
        '2024-11-28 17:36:08,"B","Row",1,10.0,13\n',
    )

    # Without Duration the header is not recognized as Strong's at all.
    assert error(path) == (
        "strong.csv: its name says a Strong or Hevy CSV export, but it is not one: this is "
        "not a file we can read (a Strong or Hevy CSV, a FIT, TCX or GPX file, or Apple "
        "Health's export.zip)."
    )
    # Called directly, the Strong parser names the missing column.
    with pytest.raises(ImportFileError) as caught:
        importers.strong.parse(path, "strong.csv")
    assert str(caught.value).startswith(
        'strong.csv, line 1, "Duration": the header has no "Duration" column'
    )


# Hevy

HEVY_SAMPLE = [
    ("Lower // Ramp // Strength // 1", datetime(2025, 9, 15, 7, 48), 85, 7.780),
    ("Push // Ramp // Hypertrophy // 1", datetime(2025, 9, 13, 12, 56), 100, 8.320),
    ("Pull // Ramp // Hypertrophy // 1", datetime(2025, 9, 12, 12, 20), 65, 8.167),
    ("Legs // Ramp // Hypertrophy // 1", datetime(2025, 9, 11, 7, 49), 66, 8.229),
    ("Upper // Ramp // Strength // 1", datetime(2025, 9, 9, 6, 46), 101, 8.288),
    ("Lower // Ramp // Strength // 1", datetime(2025, 9, 8, 7, 41), 88, 7.880),
    ("Push // Ramp // Hypertrophy // Intro", datetime(2025, 9, 6, 8, 5), 74, 7.262),
    ("Pull // Ramp // Hypertrophy // Intro", datetime(2025, 9, 5, 13, 2), 71, 7.239),
    ("Upper // Ramp // Strength // Intro", datetime(2025, 9, 2, 15, 10), 70, 7.614),
    ("Lower // Ramp // Strength // Intro", datetime(2025, 9, 1, 12, 4), 67, 6.929),
    ("Push // Hypertrophy", datetime(2025, 8, 30, 11, 15), 71, 8.227),
    ("Pull // Hypertrophy", datetime(2025, 8, 29, 11, 54), 73, 8.000),
    ("Legs // Hypertrophy", datetime(2025, 8, 28, 7, 31), 67, 7.853),
    ("EZing 🔙 in2 it", datetime(2025, 8, 26, 7, 17), 66, 7.550),
    ("Arms 1 + Weakpoint", datetime(2025, 5, 3, 9, 31), 49, 8.400),
]


def test_hevy_sessions_minutes_and_mean_rpe():
    parsed = load("hevy/strong-statistics_sample_hevy_15sessions.csv")

    assert [
        (
            s.title,
            s.started_at,
            s.duration_s / 60,
            round(sum(s.rpe_values) / len(s.rpe_values), 3),
        )
        for s in parsed.sessions
    ] == HEVY_SAMPLE
    assert minutes(parsed.sessions) == 1_113
    assert sum(len(s.rpe_values) for s in parsed.sessions) == 334
    assert parsed.left_out == []


def test_hevy_first_and_last_in_time_and_naive_times():
    sessions = sorted(
        load("hevy/strong-statistics_sample_hevy_15sessions.csv").sessions,
        key=lambda s: s.started_at,
    )

    assert (sessions[0].title, sessions[0].started_at) == (
        "Arms 1 + Weakpoint",
        datetime(2025, 5, 3, 9, 31),
    )
    assert (sessions[-1].title, sessions[-1].started_at) == (
        "Lower // Ramp // Strength // 1",
        datetime(2025, 9, 15, 7, 48),
    )
    assert sessions[-1].source_key == "2025-09-15 07:48:00|Lower // Ramp // Strength // 1"
    assert (sessions[-1].source, sessions[-1].duration_basis) == ("hevy", "elapsed")


def test_hevy_without_rpe_or_set_durations():
    sessions = load("hevy/hevy-coach_workout_data.csv").sessions

    assert [s.duration_s / 60 for s in sessions] == [
        62, 62, 76, 67, 75, 93, 75, 63, 60, 69, 79, 83, 57, 74, 61, 53, 55,
    ]  # fmt: skip
    assert minutes(sessions) == 1_164
    assert all(s.rpe_values == () for s in sessions)
    assert [s.title for s in sessions].count("Evening workout 🏋️") == 3
    assert sessions[0].title == "Monday ? You mean international CHEST DAY !"
    assert (sessions[0].started_at, sessions[-1].started_at) == (
        datetime(2025, 6, 30, 19, 56),
        datetime(2025, 5, 13, 19, 49),
    )


def test_hevy_pounds_and_miles_columns(tmp_path):
    path = write(
        tmp_path,
        "workouts.csv",
        '"title","start_time","end_time","description","exercise_title","superset_id",'
        '"exercise_notes","set_index","set_type","weight_lbs","reps","distance_miles",'
        '"duration_seconds","rpe"\n'
        '"Run","9 Apr 2026, 17:18","9 Apr 2026, 17:50","","Running",,"",0,"normal",,,3.1,1900,\n'
        '"Run","9 Apr 2026, 17:18","9 Apr 2026, 17:50","","Squat",,"",0,"normal",135,5,,0,8\n',
    )

    (session,) = importers.parse(path, "workouts.csv", max_bytes=LIMIT).sessions

    assert (session.started_at, session.duration_s) == (datetime(2026, 4, 9, 17, 18), 32 * 60)
    assert session.distance_km == 4.989
    assert session.rpe_values == (8.0,)


def test_hevy_workout_ending_before_it_starts_is_left_out(tmp_path):
    path = write(
        tmp_path,
        "workouts.csv",
        "title,start_time,end_time,exercise_title,set_index,weight_kg,reps,rpe\n"
        '"Push","9 Apr 2026, 17:18","9 Apr 2026, 17:18",Bench,0,60,5,\n'
        '"Pull","10 Apr 2026, 17:18","10 Apr 2026, 18:00",Row,0,60,5,\n',
    )

    parsed = importers.parse(path, "workouts.csv", max_bytes=LIMIT)

    assert [s.title for s in parsed.sessions] == ["Pull"]
    assert parsed.left_out == [
        "Push on 2026-04-09 (line 2): it has no duration (it ends when it starts, or before); "
        "left out"
    ]


def test_hevy_bad_start_time_names_the_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "workouts.csv",
        "title,start_time,end_time,exercise_title,set_index,weight_kg,reps,rpe\n"
        '"Push","9 Apr 2026, 17:18","9 Apr 2026, 18:18",Bench,0,60,5,\n'
        '"Pull","2026-04-10T17:18","10 Apr 2026, 18:00",Row,0,60,5,\n',
    )

    assert error(path) == (
        'workouts.csv, line 3, "start_time": "2026-04-10T17:18" is not a date and time '
        "like 9 Apr 2026, 17:18."
    )


# FIT

FIT_FACTS = {
    # file: (start UTC, duration s, basis, distance km, avg HR, max HR, kind)
    "fitparse_2013-02-06-12-11-14.fit": (
        datetime(2013, 2, 6, 12, 11, 14, tzinfo=UTC),
        2625.14,
        4.83538,
        147,
        171,
        "run",
    ),
    "fitparse_2015-10-13-08-43-15.fit": (
        datetime(2015, 10, 13, 15, 43, 15, tzinfo=UTC),
        1558.198,
        11.53643,
        None,
        None,
        "cycle",
    ),
    "fitparse_garmin-fenix-5-run.fit": (
        datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC),
        56.887,
        0.15756,
        90,
        112,
        "run",
    ),
    "fitparse_sample-activity.fit": (
        datetime(2011, 6, 26, 21, 18, 39, tzinfo=UTC),
        10699.36,
        88.79721,
        166,
        191,
        "cycle",
    ),
    "fitparse_20170518-191602-1740899583.fit": (
        datetime(2017, 5, 18, 16, 37, 30, tzinfo=UTC),
        1707.308,
        None,
        132,
        179,
        "other",
    ),
}


@pytest.mark.parametrize("name", FIT_FACTS)
def test_fit_session_totals_use_timer_time(name):
    start, duration_s, distance_km, avg_hr, max_hr, kind = FIT_FACTS[name]

    (session,) = load(f"fit/{name}").sessions

    assert session.started_at == start
    assert session.duration_s == pytest.approx(duration_s)
    assert session.duration_basis == "timer"
    assert session.distance_km == (pytest.approx(distance_km) if distance_km else None)
    assert (session.avg_hr, session.max_hr, session.kind) == (avg_hr, max_hr, kind)
    assert session.source_key == f"{start.isoformat()}|{session.source_key.split('|')[1]}"


def test_fit_start_is_aware_utc():
    (session,) = load("fit/fitparse_garmin-fenix-5-run.fit").sessions

    assert session.started_at.utcoffset() == timedelta(0)
    assert session.source_key == "2017-06-11T14:34:09+00:00|running"
    assert session.where == "session 1"


def test_fit_falls_back_to_record_heart_rate_when_the_session_has_none():
    (session,) = load("fit/fitparse_activity-small-fenix2-run.fit").sessions

    assert (session.avg_hr, session.max_hr) == (154, 178)
    assert session.duration_s == 2832.0
    assert session.distance_km == pytest.approx(9.00822)


def test_fit_heart_rate_zero_everywhere_means_no_heart_rate():
    (session,) = load("fit/fitparse_null_compressed_speed_dist.fit").sessions

    assert (session.avg_hr, session.max_hr) == (None, None)
    assert session.title == "Cycling (virtual activity)"


def test_fit_timer_time_is_capped_at_elapsed_time():
    # Zwift writes total_timer_time 1808 s for total_elapsed_time 1807 s.
    (session,) = load("fit/fitparse_null_compressed_speed_dist.fit").sessions

    assert (session.duration_s, session.duration_basis) == (1807.0, "timer")


def test_fit_chained_multisport_gives_a_session_per_leg_and_leaves_out_transitions():
    parsed = load("fit/fitparse_sample_mulitple_header.fit")

    assert [
        (s.kind, s.started_at, s.duration_s, s.avg_hr, s.max_hr, s.where) for s in parsed.sessions
    ] == [
        ("swim", datetime(2018, 5, 27, 7, 33, 1, tzinfo=UTC), 1987.521, 165, 175, "session 1"),
        ("cycle", datetime(2018, 5, 27, 8, 8, 58, tzinfo=UTC), 4422.14, 172, 183, "session 3"),
        ("run", datetime(2018, 5, 27, 9, 23, 41, tzinfo=UTC), 2850.694, 176, 187, "session 5"),
    ]
    assert [s.distance_km for s in parsed.sessions] == pytest.approx([1.64471, 40.90942, 9.80592])
    assert parsed.left_out == [
        "Transition on 2018-05-27 (session 2): a transition between the legs of a "
        "multisport activity; left out",
        "Transition on 2018-05-27 (session 4): a transition between the legs of a "
        "multisport activity; left out",
    ]


def test_fit_truncated_file_is_an_error_naming_the_byte(tmp_path):
    data = (DATA / "fit/fitparse_garmin-fenix-5-run.fit").read_bytes()
    path = write(tmp_path, "run.fit", data[:2798])

    assert error(path) == (
        "run.fit, byte 2798: the file ends in the middle of a record: it was cut short, "
        "perhaps by an interrupted upload or copy."
    )


def test_fit_damaged_file_is_an_error(tmp_path):
    data = bytearray((DATA / "fit/fitparse_garmin-fenix-5-run.fit").read_bytes())
    data[500] ^= 0xFF
    path = write(tmp_path, "run.fit", bytes(data))

    assert error(path) == "run.fit: the file is damaged: its checksum does not match."


# TCX

TCX_FACTS = {
    # file: (start, lap time s, distance km, avg HR, max HR, kind)
    "python-tcxparser_test.tcx": (
        datetime(2012, 12, 26, 21, 29, 53, tzinfo=UTC),
        1992.78,
        4.68924,
        157,
        189,
        "run",
    ),
    "runpandas_run_garmin.tcx": (
        datetime(2018, 11, 25, 7, 20, 49, tzinfo=UTC),
        816.0,
        2.15367,
        142,
        153,
        "run",
    ),
    "togeojson_garmin_connect.tcx": (
        datetime(2020, 3, 6, 0, 23, 46, tzinfo=UTC),
        4352.0,
        1.69168,
        None,
        None,
        "cycle",
    ),
    "togeojson_bad.tcx": (
        datetime(2020, 12, 27, 14, 43, 49, tzinfo=UTC),
        4566.0,
        13.67994,
        122,
        122,
        "cycle",
    ),
}


@pytest.mark.parametrize("name", TCX_FACTS)
def test_tcx_sums_laps_and_averages_trackpoint_heart_rate(name):
    start, lap_s, distance_km, avg_hr, max_hr, kind = TCX_FACTS[name]

    (session,) = load(f"tcx/{name}").sessions

    assert session.started_at == start
    assert (session.duration_s, session.duration_basis) == (pytest.approx(lap_s), "timer")
    assert session.distance_km == pytest.approx(distance_km, abs=1e-5)
    assert (session.avg_hr, session.max_hr, session.kind) == (avg_hr, max_hr, kind)


def test_tcx_keeps_the_offset_it_was_written_with():
    (session,) = load("tcx/togeojson_bad.tcx").sessions

    assert session.started_at.utcoffset() == timedelta(hours=1)
    assert session.source_key == "2020-12-27T14:43:49+00:00|biking"


def test_tcx_that_is_not_well_formed_names_the_line(tmp_path):
    text = (DATA / "tcx/python-tcxparser_test.tcx").read_text().replace("</Id>", "</Ident>", 1)
    path = write(tmp_path, "run.tcx", text)

    assert error(path) == (
        "run.tcx, line 5, column 33: this is not well-formed XML (mismatched tag)."
    )


def test_tcx_bad_start_time_names_the_activity_and_field(tmp_path):
    text = (DATA / "tcx/python-tcxparser_test.tcx").read_text()
    path = write(tmp_path, "run.tcx", text.replace("2012-12-26T21:29:53Z</Id>", "yesterday</Id>"))

    assert error(path) == (
        'run.tcx, Activity 1, "Id": "yesterday" is not a date and time like 2020-03-06T00:23:46Z.'
    )


# GPX

GPX_FACTS = {
    # file: (start UTC, elapsed s, distance km, avg HR, max HR, kind)
    "togeojson_run.gpx": (datetime(2012, 10, 24, 23, 29, 40), 948, 3.1020, 190, 203, "other"),
    "togeojson_run_gpxtpx.gpx": (datetime(2015, 1, 19, 21, 24, 20), 41, 0.1256, 136, 152, "other"),
    "togeojson_missing_hr.gpx": (datetime(2017, 5, 27, 4, 0, 0), 122, 0.0619, 111, 131, "other"),
    "togeojson_Friday-Evening-Run.gpx": (
        datetime(2025, 5, 2, 15, 51, 15, 692000), 2569.308, 0.0877, 150, 171, "run"
    ),
    "gpxpy_cerknicko-jezero.gpx": (
        datetime(2010, 8, 5, 14, 23, 59), 7190, 4.5801, None, None, "other"
    ),
    "runpandas_26004849-dc57-4e48-bc16-11196ca043ad.gpx": (
        datetime(2020, 7, 5, 9, 33, 20, 999000), 440.001, 0.9813, 168, 176, "other"
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", GPX_FACTS)
def test_gpx_span_distance_and_heart_rate(name):
    start, elapsed_s, distance_km, avg_hr, max_hr, kind = GPX_FACTS[name]

    (session,) = load(f"gpx/{name}").sessions

    assert session.started_at == start.replace(tzinfo=UTC)
    assert (session.duration_s, session.duration_basis) == (pytest.approx(elapsed_s), "elapsed")
    assert session.distance_km == pytest.approx(distance_km, abs=5e-5)
    assert (session.avg_hr, session.max_hr, session.kind) == (avg_hr, max_hr, kind)


def test_gpx_metadata_time_is_not_the_start():
    # metadata/time is 23:22:51, seven minutes before the first trackpoint.
    (session,) = load("gpx/togeojson_run.gpx").sessions

    assert session.started_at == datetime(2012, 10, 24, 23, 29, 40, tzinfo=UTC)


def test_gpx_many_tracks_are_one_outing():
    parsed = load("gpx/gpxpy_cerknicko-jezero.gpx")

    (session,) = parsed.sessions
    assert (session.title, session.where, session.duration_s) == ("ACTIVE LOG", "tracks 1–8", 7190)


def test_gpx_with_a_clock_that_was_never_set_is_refused():
    assert error(DATA / "gpx/gpxpy_Mojstrovka.gpx") == (
        'gpxpy_Mojstrovka.gpx, track 1, "trkpt/time": the track points are dated '
        "1901-12-13 20:45:52, which cannot be right: the device's clock was not set, "
        "so the start and duration are unknown."
    )


# Apple Health


def test_apple_health_old_schema_export_xml():
    parsed = load("apple_health/healthkit-to-sqlite_export.xml")

    (session,) = list(parsed.sessions)
    assert session.started_at == datetime(2016, 11, 14, 14, 25, 41, tzinfo=UTC)
    # Shown in the workout's HKTimeZone (PST), not the export's -0700.
    assert session.started_at.utcoffset() == timedelta(hours=-8)
    assert (session.duration_s, session.duration_basis) == (
        pytest.approx(5.19412346680959 * 60),
        "timer",
    )
    assert session.distance_km == pytest.approx(0.8001255)
    assert (session.kind, session.title, session.avg_hr, session.max_hr) == (
        "run",
        "Running",
        None,
        None,
    )
    assert session.source_key == "2016-11-14T14:25:41+00:00|Running"
    assert session.where == "Workout 1"
    assert parsed.left_out == []


def test_apple_health_zip_holds_the_same_workout():
    (session,) = list(load("apple_health/healthkit-to-sqlite_export.zip").sessions)

    assert session.started_at == datetime(2016, 11, 14, 14, 25, 41, tzinfo=UTC)
    assert session.distance_km == pytest.approx(0.8001255)


def test_apple_health_follows_the_route_file_when_the_workout_has_no_distance(tmp_path):
    xml = AH_ZIP_XML.read_text().replace(
        'totalDistance="0.4971749504535062" totalDistanceUnit="mi" ', ""
    )
    assert "totalDistance=" not in xml
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("apple_health_export/export.xml", xml)
        archive.writestr(
            "apple_health_export/workout-routes/route_2019-06-11_3.00pm.gpx", AH_ROUTE.read_bytes()
        )

    (session,) = list(importers.parse(path, "export.zip", max_bytes=LIMIT).sessions)

    assert session.distance_km == pytest.approx(0.41535563545787474 / 1000)


def test_apple_health_zip_with_a_localized_name_and_a_clinical_document(tmp_path):
    path = tmp_path / "exportar.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "apple_health_export/export_cda.xml",
            '<?xml version="1.0"?><ClinicalDocument><!-- HealthData --></ClinicalDocument>',
        )
        archive.writestr("apple_health_export/exportar.xml", AH_ZIP_XML.read_bytes())

    (session,) = list(importers.parse(path, "exportar.zip", max_bytes=LIMIT).sessions)

    assert session.title == "Running"


def test_apple_health_zip_without_an_export_is_an_error(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        archive.writestr("notes.txt", "nothing here")

    assert error(path) == (
        "export.zip: the zip holds no Apple Health export (an XML file such as "
        "apple_health_export/export.xml that starts with <HealthData>)."
    )


def test_apple_health_modern_schema_with_dtd_and_control_characters():
    data = (DATA / "synthetic/apple_health_modern_export.xml").read_bytes()
    assert b"<!DOCTYPE HealthData [" in data
    assert b"\x0b" in data

    parsed = load("synthetic/apple_health_modern_export.xml")
    sessions = list(parsed.sessions)

    berlin_summer = timezone(timedelta(hours=2))
    assert [
        (s.title, s.kind, s.started_at, s.duration_s, s.distance_km, s.avg_hr, s.max_hr)
        for s in sessions
    ] == [
        ("Running", "run", datetime(2024, 5, 4, 7, 30, tzinfo=berlin_summer), 1950, 5.21, 152, 178),
        (
            "Traditional strength training",
            "strength",
            datetime(2024, 5, 6, 19, 1, tzinfo=berlin_summer),
            3300,
            None,
            118,
            160,
        ),
        (
            "Cycling",
            "cycle",
            datetime(2024, 5, 8, 19, 0, tzinfo=berlin_summer),
            3600,
            pytest.approx(20.1168),
            None,
            None,
        ),
    ]
    assert {s.duration_basis for s in sessions} == {"timer"}
    assert parsed.left_out == [
        "Walking on 2024-05-10 (Workout 4): 30h 15m is longer than a day; "
        "left out — was the timer left running?"
    ]


def test_apple_health_sessions_come_lazily_while_the_file_is_read(tmp_path):
    # The file breaks after its first workout: that workout still arrives first.
    xml = AH_ZIP_XML.read_text().replace("</HealthData>", "<Workout></HealthDat>")
    path = write(tmp_path, "export.xml", xml)

    parsed = importers.parse(path, "export.xml", max_bytes=LIMIT)

    assert isinstance(parsed.sessions, Iterator)
    assert next(parsed.sessions).title == "Running"
    with pytest.raises(ImportFileError) as caught:
        next(parsed.sessions)
    assert str(caught.value) == (
        "export.xml, line 24, column 12: this is not well-formed XML (mismatched tag)."
    )


def test_apple_health_error_inside_a_zip_names_the_member(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "apple_health_export/export.xml",
            AH_ZIP_XML.read_text().replace(
                'startDate="2016-11-14 07:25:41 -0700"', 'startDate="x"'
            ),
        )

    assert error(path) == (
        'export.zip, Workout 1, "startDate": "x" is not a date like 2016-11-14 07:25:41 -0700.'
    )


WORKOUT = (
    ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" '
    'durationUnit="min" sourceName="Watch" startDate="2024-05-{day:02d} 07:{minute:02d}:00 +0200" '
    'endDate="2024-05-{day:02d} 07:{minute:02d}:00 +0200">\n'
    '  <MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>\n'
    '  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" '
    'startDate="2024-05-01 07:00:00 +0200" endDate="2024-05-01 07:30:00 +0200" '
    'sum="5.0" unit="km"/>\n'
    '  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" '
    'startDate="2024-05-01 07:00:00 +0200" endDate="2024-05-01 07:30:00 +0200" '
    'average="150" minimum="90" maximum="180" unit="count/min"/>\n'
    " </Workout>\n"
)
RECORD = (
    ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" '
    'creationDate="2024-05-01 07:00:00 +0200" startDate="2024-05-01 07:00:00 +0200" '
    'endDate="2024-05-01 07:00:00 +0200" value="72">\n'
    '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
    " </Record>\n"
)


def test_apple_health_large_export_is_read_with_flat_memory(tmp_path):
    path = tmp_path / "export.zip"
    workouts = 0
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("apple_health_export/export.xml", "w") as stream,
    ):
        stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n')
        written = 0
        while written < 20_000_000:
            block = RECORD * 20 + WORKOUT.format(day=workouts % 28 + 1, minute=workouts % 60)
            stream.write(block.encode())
            written += len(block)
            workouts += 1
        stream.write(b"</HealthData>\n")

    tracemalloc.start()
    try:
        sessions = importers.parse(path, "export.zip", max_bytes=LIMIT).sessions
        first = [next(sessions) for _ in range(100)]
        early_peak = tracemalloc.get_traced_memory()[1]
        count = len(first) + sum(1 for _ in sessions)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert path.stat().st_size < 1_000_000  # the zip is small; its export.xml is 20 MB
    assert count == workouts > 2_500
    assert (first[0].distance_km, first[0].avg_hr) == (5.0, 150)
    assert peak < 10_000_000
    assert peak < early_peak + 2_000_000  # flat: reading the rest adds next to nothing


# Unsafe and unknown files

BOMB_ENTITIES = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, 10)
).replace("&lol1;", "&lol;")


@pytest.mark.parametrize(
    ("name", "root", "expected"),
    [
        (
            "bomb.gpx",
            "gpx",
            'bomb.gpx, "<!ENTITY lol>": the file declares XML entities, which are refused: '
            "they can expand to gigabytes and no workout export needs them.",
        ),
        (
            "bomb.tcx",
            "TrainingCenterDatabase",
            'bomb.tcx, "<!ENTITY lol>": the file declares XML entities, which are refused: '
            "they can expand to gigabytes and no workout export needs them.",
        ),
        (
            # Apple Health's DTD is never read, so its entities are simply undefined.
            "bomb.xml",
            "HealthData",
            "bomb.xml, line 3, column 13: this is not well-formed XML (undefined entity).",
        ),
    ],
)
def test_xml_bomb_is_refused_safely(tmp_path, name, root, expected):
    path = write(
        tmp_path,
        name,
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{BOMB_ENTITIES}]>\n<{root}>&lol9;</{root}>\n',
    )

    assert error(path) == expected


def test_fit_name_holding_csv_text_is_refused(tmp_path):
    path = write(tmp_path, "run.fit", (DATA / "strong/strong-charts_strong.csv").read_bytes())

    assert error(path) == (
        "run.fit: its name says a Garmin FIT file, but it holds Strong CSV content; "
        "rename it or export it again."
    )


def test_csv_name_holding_fit_data_is_refused(tmp_path):
    path = write(
        tmp_path, "strong.csv", (DATA / "fit/fitparse_garmin-fenix-5-run.fit").read_bytes()
    )

    assert error(path) == (
        "strong.csv: its name says a Strong or Hevy CSV export, but it holds Garmin FIT content; "
        "rename it or export it again."
    )


def test_random_bytes_are_refused(tmp_path):
    path = write(tmp_path, "run.fit", bytes(range(256)) * 8)

    assert error(path) == (
        "run.fit: its name says a Garmin FIT file, but it is not one: this is not a file we "
        "can read (a Strong or Hevy CSV, a FIT, TCX or GPX file, or Apple Health's export.zip)."
    )


def test_empty_file_is_refused(tmp_path):
    assert error(write(tmp_path, "strong.csv", b"")) == "strong.csv: the file is empty."


def test_file_over_the_size_limit_is_refused():
    path = DATA / "strong/strong-statistics_2025-10_comma.csv"

    assert error(path, max_bytes=10_000) == (
        "strong-statistics_2025-10_comma.csv: the file is 19,541 bytes; "
        "the largest accepted is 10,000 bytes."
    )


def test_error_names_the_file_without_its_folders(tmp_path):
    path = write(tmp_path, "strong.csv", b"")

    assert error(path, name="C:\\Users\\me\\Downloads\\strong.csv") == (
        "strong.csv: the file is empty."
    )


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("strong/strongappanalytics_strong.csv", "strong"),
        ("strong/strong-statistics_2025-09_semicolon.csv", "strong"),
        ("synthetic/strong_french.csv", "strong"),
        ("synthetic/strong_android_units.csv", "strong"),
        ("hevy/hevy-coach_workout_data.csv", "hevy"),
        ("fit/fitparse_sample_mulitple_header.fit", "fit"),
        ("tcx/togeojson_bad.tcx", "tcx"),
        ("gpx/gpxpy_cerknicko-jezero.gpx", "gpx"),
        ("apple_health/healthkit-to-sqlite_export.zip", "apple_health"),
        ("apple_health/healthkit-to-sqlite_export.xml", "apple_health"),
        ("synthetic/apple_health_modern_export.xml", "apple_health"),
    ],
)
def test_formats_are_recognized_by_content(relative, expected):
    path = DATA / relative

    module = importers.detect(path.name, path.read_bytes()[: importers.HEAD_BYTES])
    assert module is importers.FORMATS[expected]
    assert importers.parse(path, path.name, max_bytes=LIMIT).format == expected


def test_sessions_keep_to_the_documented_vocabulary():
    for relative in [
        "strong/strong-charts_strong.csv",
        "hevy/hevy-coach_workout_data.csv",
        "fit/fitparse_sample_mulitple_header.fit",
        "tcx/runpandas_run_garmin.tcx",
        "gpx/togeojson_Friday-Evening-Run.gpx",
        "synthetic/apple_health_modern_export.xml",
    ]:
        for session in load(relative).sessions:
            assert session.source in importers.base.SOURCES
            assert session.kind in importers.base.KINDS
            assert session.duration_basis in importers.base.BASES
            assert 0 < len(session.source_key) <= 200


# Effort


def session_with(rpe_values=(), avg_hr=None) -> Session:
    return Session(
        source="hevy",
        source_key="k",
        started_at=datetime(2025, 1, 1, 8, 0),
        duration_s=3600,
        duration_basis="elapsed",
        kind="strength",
        title="t",
        distance_km=None,
        avg_hr=avg_hr,
        max_hr=None,
        rpe_values=tuple(rpe_values),
        where="line 2",
    )


@pytest.mark.parametrize(
    ("rpe_values", "expected"),
    [((7.780,), 8), ((6, 9), 8), ((6.929,), 7), ((8, 8.5, 9), 9), ((0.5,), 1), ((11,), 10)],
)
def test_session_rpe_is_the_rounded_mean_of_the_file_rpes(rpe_values, expected):
    assert effort.session_rpe(session_with(rpe_values, avg_hr=190), max_hr=190) == (
        expected,
        False,
    )


def test_session_rpe_of_the_hevy_sample():
    sessions = load("hevy/strong-statistics_sample_hevy_15sessions.csv").sessions

    assert [effort.session_rpe(s, None)[0] for s in sessions] == [
        8, 8, 8, 8, 8, 8, 7, 7, 8, 7, 8, 8, 8, 8, 8,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("avg_hr", "expected"),
    [
        (113, 1),  # 56.5 % of 200: very light
        (114, 2),  # 57 %: light
        (127, 2),  # 63.5 %
        (128, 3),  # 64 %: moderate
        (153, 3),  # 76.5 %
        (154, 5),  # 77 %: vigorous
        (191, 5),  # 95.5 %
        (192, 9),  # 96 %: near-maximal
        (205, 9),  # above the maximum
    ],
)
def test_session_rpe_estimated_from_heart_rate_class_boundaries(avg_hr, expected):
    assert effort.session_rpe(session_with(avg_hr=avg_hr), max_hr=200) == (expected, True)


def test_session_rpe_without_rpe_or_heart_rate_is_5_estimated():
    assert effort.session_rpe(session_with(), max_hr=190) == (5, True)
    assert effort.session_rpe(session_with(avg_hr=150), max_hr=None) == (5, True)


def test_max_hr_is_the_profile_value_else_tanaka():
    on = date(2025, 6, 1)

    assert effort.max_hr_for(1990, on, profile_max_hr=201) == 201
    assert effort.max_hr_for(2000, on, profile_max_hr=None) == 191  # 208 - 17.5, half up
    assert effort.max_hr_for(1995, on, profile_max_hr=None) == 187  # 208 - 21
    assert effort.max_hr_for(1965, on, profile_max_hr=None) == 166  # 208 - 42
    assert effort.max_hr_for(None, on, profile_max_hr=None) is None


def test_rpe_mapping_table_is_ordered_and_covers_every_percentage():
    bounds = [lowest for lowest, _ in effort.HR_TO_RPE]
    assert bounds == sorted(bounds, reverse=True)
    assert bounds[-1] == 0
    assert all(1 <= rpe <= 10 for _, rpe in effort.HR_TO_RPE)
