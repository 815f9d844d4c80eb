"""How long do an athlete's patterns take? Not a test: it prints figures.

The patterns view (triage/patterns.py) must compute a year of an athlete's log
in under 50 ms. This times it on simulated years (tests/populations/daily.py:
365 days and the 35 before, workouts 3-5 a week, drinks and check-ins on most
days, episodes in runs; a median of 236 workouts, 357 days of drinks, 346
check-ins and 70 episode days each), in memory, with no database: the same
function the page, the API, the summary and the digest call on the History
that triage/reading.py reads.

Figures, each the median over the athletes of the best of 3 runs:

- baseline: one plain pass over the records, each workout, drink, check-in and
  episode looked at once and bucketed by day (the least any computation over
  the log could cost);
- the factor table: the eleven factors for every day (DayTable and
  factor_columns), before any statistics;
- the patterns: the whole computation, factor table, tallies, Fisher's exact
  tests, ratios with their intervals and the Benjamini–Hochberg correction;
- the digest's: the patterns up to Sunday and up to the Sunday before, from one
  table (patterns.newly_clear);
- the page's: the patterns with the share intervals the charts draw.

Each figure is printed in ms with its ratio to the baseline.

    .venv/bin/python bench/patterns.py [--athletes 50]
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.populations import daily
from triage import patterns

TARGET_MS = 50


def plain_pass(history) -> int:
    """Every record looked at once, bucketed by day: the baseline."""
    by_day: dict = {}
    for workout in history.workouts:
        by_day.setdefault(workout.day, []).append(workout.load)
    for day, ml in history.daily_fluid_ml.items():
        by_day.setdefault(day, []).append(ml)
    for checkin in history.checkins:
        by_day.setdefault(checkin.day, []).append(checkin.stress)
    for episode in history.episodes:
        by_day.setdefault(episode.day, []).append(episode.kind)
    return len(by_day)


def factor_table(history) -> int:
    first = history.today - timedelta(days=patterns.DEFAULT_DAYS - 1)
    table = patterns.DayTable(history, first, history.today)
    return len(patterns.factor_columns(table))


def whole(history) -> int:
    return len(patterns.patterns(history).compared)


def for_the_digest(history) -> int:
    return len(patterns.newly_clear(history, history.today)[0])


def for_the_page(history) -> int:
    report = patterns.patterns(history)
    return sum(1 for c in report.comparisons if c.share_intervals)


def best_of(function, history, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(history)
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--athletes", type=int, default=50)
    args = parser.parse_args()

    histories = [daily.simulate(seed, 365, logging=(0.8, 0.95)) for seed in range(args.athletes)]
    sizes = [
        (len(h.workouts), len(h.daily_fluid_ml), len(h.checkins), len({e.day for e in h.episodes}))
        for h in histories
    ]
    print(
        f"{args.athletes} simulated years; median per athlete: "
        f"{statistics.median(s[0] for s in sizes):.0f} workouts, "
        f"{statistics.median(s[1] for s in sizes):.0f} days of drinks, "
        f"{statistics.median(s[2] for s in sizes):.0f} check-ins, "
        f"{statistics.median(s[3] for s in sizes):.0f} episode days"
    )
    for history in histories[:3]:  # warm up imports and caches
        whole(history)

    scenarios = [
        ("baseline: a plain pass over the records", plain_pass),
        ("the factor table alone", factor_table),
        ("the patterns (a year)", whole),
        ("the digest's: this week and the week before", for_the_digest),
        ("the page's: with the share intervals", for_the_page),
    ]
    figures = {
        name: statistics.median(best_of(function, h) for h in histories)
        for name, function in scenarios
    }
    baseline = figures[scenarios[0][0]]
    print(f"{'scenario':<46} {'ms':>8} {'vs baseline':>12}")
    for name, ms in figures.items():
        print(f"{name:<46} {ms:8.2f} {ms / baseline:11.1f}x")
    year = figures["the patterns (a year)"]
    worst = max(best_of(whole, h) for h in histories)
    verdict = "under" if worst < TARGET_MS else "OVER"
    print(
        f"A year computes in {year:.1f} ms (median), {worst:.1f} ms at worst: "
        f"{verdict} the {TARGET_MS} ms target."
    )


if __name__ == "__main__":
    main()
