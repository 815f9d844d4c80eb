"""How trustworthy are the flags? Not a test: it prints figures, as markdown.

Simulates healthy recreational athletes and athletes with each concerning
pattern of the guidance (tests/populations), runs the rules over them the
way the sweep does, day by day, with the engine's own merge, and once at the
end (tests/population_run.py), and prints:

- for each rule and severity, flags per healthy athlete-month;
- the share of healthy athletes ever told to see a doctor, and by which rule;
- for each concerning pattern, the share caught by its intended rule at its
  intended severity after the plant day (sensitivity), and the median days
  from the plant to that flag;
- issue 10's three goals against these figures, the run time, and a few
  examples of healthy athletes told to see a doctor and of missed patterns.

No database, no services: the thresholds come from settings.TRIAGE.

    .venv/bin/python bench/triage_quality.py [--healthy 500] [--per-pattern 100]
        [--seed 2026] [--workers N] [--examples 3]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from tests.population_run import (
    EVALUATED_DAYS,
    GOAL_SEE_DOCTOR_SHARE,
    GOAL_SENSITIVITY,
    GOAL_WATCH_PER_MONTH,
    AthleteRun,
    HealthyFigures,
    PatternFigures,
    measure_healthy,
    measure_pattern,
    run_populations,
    settings_thresholds,
    worst_first,
)
from tests.populations import HEALTHY, PATTERNS, day_number
from triage.rules import Severity


def percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def healthy_table(h: HealthyFigures) -> list[str]:
    keys = sorted(
        set(h.flags_per_month) | set(h.end_findings_per_month),
        key=lambda key: (-key[1].rank, key[0]),
    )
    lines = [
        f"### Healthy athletes ({h.athletes}, {h.athlete_months:,.0f} athlete-months)",
        "",
        "| rule | severity | flags per athlete-month (daily sweep) | (one run at the end) |",
        "| --- | --- | ---: | ---: |",
    ]
    for rule, severity in keys:
        lines.append(
            f"| {rule} | {severity.value} | {h.flags_per_month.get((rule, severity), 0):.3f} "
            f"| {h.end_findings_per_month.get((rule, severity), 0):.3f} |"
        )
    lines += [
        f"| **watch or above** | | **{h.watch_or_above_per_month:.3f}** "
        f"| **{h.end_watch_or_above_per_month:.3f}** |",
        "",
        f"Healthy athletes ever told to see a doctor: **{percent(h.see_doctor_share)}** "
        f"(one run at the end: {percent(h.end_see_doctor_share)}); by rule: "
        + (
            ", ".join(
                f"{rule} {percent(share)}" for rule, share in h.see_doctor_share_by_rule.items()
            )
            or "none"
        )
        + ".",
    ]
    return lines


def patterns_table(figures: list[PatternFigures]) -> list[str]:
    lines = [
        "### Concerning patterns",
        "",
        "| pattern | intended | athletes | sensitivity (daily sweep) | median days to detection "
        "| sensitivity (one run at the end) | intended rule's highest severity "
        "| any rule at intended severity |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for f in figures:
        p = f.pattern
        peaks = ", ".join(
            f"{peak or 'never'} {percent(share)}"
            for peak, share in sorted(
                f.intended_peaks.items(),
                key=lambda item: -Severity(item[0]).rank if item[0] else 1,
            )
        )
        others = ", ".join(f"{rule} {percent(share)}" for rule, share in f.caught_by.items())
        median = "–" if f.median_days_to_detection is None else f"{f.median_days_to_detection:g}"
        lines.append(
            f"| {p.name} | {' or '.join(p.intended_rules)} ≥ {p.intended_severity.value} "
            f"| {f.athletes} | **{percent(f.sensitivity)}** | {median} "
            f"| {percent(f.end_sensitivity)} | {peaks} | {percent(f.any_rule_share)} ({others}) |"
        )
    lines += ["", "What each population has planted, and why its intended severity:", ""]
    for f in figures:
        p = f.pattern
        lines.append(
            f"- **{p.name}**: {p.summary}. {p.intended_severity.value}: {p.because} {p.reasoning}"
        )
    return lines


def goals_table(h: HealthyFigures, figures: list[PatternFigures]) -> list[str]:
    worst = min(figures, key=lambda f: f.sensitivity)

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    return [
        "### Issue 10's goals",
        "",
        "| goal | target | now | |",
        "| --- | ---: | ---: | --- |",
        f"| healthy athletes told to see a doctor | ≤ {percent(GOAL_SEE_DOCTOR_SHARE)} "
        f"| {percent(h.see_doctor_share)} "
        f"| {verdict(h.see_doctor_share <= GOAL_SEE_DOCTOR_SHARE)} |",
        f"| watch-or-above flags per healthy athlete-month | ≤ {GOAL_WATCH_PER_MONTH} "
        f"| {h.watch_or_above_per_month:.3f} "
        f"| {verdict(h.watch_or_above_per_month <= GOAL_WATCH_PER_MONTH)} |",
        f"| sensitivity of every pattern (worst: {worst.pattern.name}) "
        f"| ≥ {percent(GOAL_SENSITIVITY)} | {percent(worst.sensitivity)} "
        f"| {verdict(worst.sensitivity >= GOAL_SENSITIVITY)} |",
    ]


def examples(runs: dict[str, list[AthleteRun]], count: int) -> list[str]:
    """A few healthy athletes told to see a doctor, and a few missed patterns."""
    lines = ["### Examples", ""]
    told = [
        run
        for run in worst_first(runs[HEALTHY])
        if any(f.rank >= Severity.SEE_DOCTOR.rank for f in run.flags)
    ][:count]
    for run in told:
        for flag in run.flags:
            if flag.rank >= Severity.SEE_DOCTOR.rank:
                lines.append(
                    f"- {run.athlete.key} ({run.athlete.zone.key}): {flag.rule} {flag.severity} "
                    f"raised on day {day_number(flag.created_on)}: {flag.message}"
                )
    for name, pattern in PATTERNS.items():
        missed = [run for run in runs.get(name, []) if run.detection_day(pattern) is None]
        for run in missed[:count]:
            planted = day_number(run.athlete.plant_day)
            got = sorted(
                {
                    f"{f.rule} {f.severity}"
                    for f in run.flags
                    if f.changes[-1][0] >= run.athlete.plant_day
                }
            )
            lines.append(
                f"- missed {run.athlete.key} (planted on day {planted}, "
                f"{len(run.athlete.planted_ids)} planted entries): flags after the plant: "
                + (", ".join(got) or "none")
            )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--healthy", type=int, default=500, help="healthy athletes")
    parser.add_argument(
        "--per-pattern", type=int, default=100, help="athletes per concerning pattern"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--examples", type=int, default=3, help="examples of each kind")
    args = parser.parse_args()

    thresholds, history_days = settings_thresholds()
    sizes = {HEALTHY: args.healthy, **{name: args.per_pattern for name in PATTERNS}}
    athletes = sum(sizes.values())
    started = time.perf_counter()
    runs = run_populations(sizes, args.seed, thresholds, history_days, workers=args.workers)
    seconds = time.perf_counter() - started

    healthy = measure_healthy(runs[HEALTHY])
    figures = [measure_pattern(pattern, runs[name]) for name, pattern in PATTERNS.items()]
    lines = [
        f"## Triage quality: seed {args.seed}, {args.healthy} healthy athletes, "
        f"{args.per_pattern} per concerning pattern",
        "",
        "Each athlete: 148 days of log; evaluated every day from day 28 as the sweep "
        f"would (history {history_days} days), and once at the end.",
        "",
        *healthy_table(healthy),
        "",
        *patterns_table(figures),
        "",
        *goals_table(healthy, figures),
        "",
        f"Run time: {seconds:.1f} s for {athletes:,} athletes with {args.workers} process(es), "
        f"about {seconds / athletes * 1000 * args.workers:.0f} ms of CPU per athlete "
        f"({athletes * (EVALUATED_DAYS + 1):,} evaluations).",
    ]
    if args.examples:
        lines += ["", *examples(runs, args.examples)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
