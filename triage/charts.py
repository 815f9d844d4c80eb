"""Geometry for the load charts, drawn as SVG by the templates (no chart library).

Plain functions from a load report (triage.load.load_report) to rectangles,
polylines and labels in a fixed viewBox. The templates only place them, so the
same charts serve the app and the admin.

The viewBox is about as wide as a phone draws it (300 units for 250 to 330
pixels), and labels are 15 units high, so that they read at 12 px or more on
a 320 px screen. A thin line marks every Monday, so a week can be read off;
every third one is labelled with its date.
"""

from dataclasses import dataclass
from datetime import date

from triage.metrics import ZONES, change_pct

WIDTH, HEIGHT = 300, 200
LEFT, RIGHT, TOP, BOTTOM = 50, 8, 10, 28
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
FONT = 15  # viewBox units: 12 px at the narrowest (a 320 px phone)
LABEL_EVERY_WEEKS = 3


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str


def nice_ceiling(value: float) -> float:
    """The next 1, 2 or 5 x 10^n at or above value, so axis labels read well."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def x_of(index: int, count: int) -> float:
    return LEFT + (index + 0.5) * PLOT_W / count


def y_of(value: float, top: float) -> float:
    return TOP + PLOT_H - value / top * PLOT_H


def polylines(values: list[float | None], top: float) -> list[str]:
    """SVG polyline point lists; a gap (None) breaks the line."""
    lines, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if len(current) > 1:
                lines.append(" ".join(current))
            current = []
            continue
        current.append(f"{x_of(index, len(values)):.1f},{y_of(value, top):.1f}")
    if len(current) > 1:
        lines.append(" ".join(current))
    return lines


def week_marks(days: list[date]) -> tuple[list[float], list[XLabel]]:
    """A line at each Monday shown, and a date under every third one, counted
    back from the last Monday whose label fits, so recent weeks are labelled."""
    mondays = [
        (round(LEFT + index * PLOT_W / len(days), 1), day)
        for index, day in enumerate(days)
        if day.weekday() == 0
    ]
    half_label = FONT * 1.6  # "30 Nov", centred
    fitting = [(x, day) for x, day in mondays if LEFT + FONT <= x <= WIDTH - half_label]
    labelled = fitting[::-1][::LABEL_EVERY_WEEKS][::-1]
    labels = [XLabel(x, f"{day.day} {day:%b}") for x, day in labelled]
    return [x for x, _ in mondays], labels


def load_chart(report: dict) -> dict:
    """Daily load bars with the acute (7-day) and chronic (28-day) mean lines."""
    days = report["days"]
    top = nice_ceiling(max([d["load"] for d in days] + [d["acute"] or 0 for d in days] + [1]))
    slot = PLOT_W / len(days)
    bars = [
        {
            "x": round(LEFT + index * slot + slot * 0.1, 1),
            "y": round(y_of(day["load"], top), 1),
            "width": round(slot * 0.8, 2),
            "height": round(day["load"] / top * PLOT_H, 1),
        }
        for index, day in enumerate(days)
        if day["load"]
    ]
    week_lines, x_labels = week_marks([d["date"] for d in days])
    return {
        **frame(top, [0, top / 2, top], lambda v: f"{v:,.0f}"),
        "bars": bars,
        "acute": polylines([d["acute"] for d in days], top),
        "chronic": polylines([d["chronic"] for d in days], top),
        "week_lines": week_lines,
        "x_labels": x_labels,
    }


def acwr_chart(report: dict) -> dict:
    """The acute:chronic ratio (and its EWMA form) over the zones, named in words."""
    days = report["days"]
    highest = max([d["acwr"] or 0 for d in days] + [d["acwr_ewma"] or 0 for d in days])
    top = max(2.0, round(highest + 0.25, 1))
    zones = []
    for name, lower, upper, words in ZONES:
        upper = top if upper is None else upper
        y, bottom = y_of(upper, top), y_of(lower, top)
        zones.append(
            {
                "name": name,
                "words": words,
                "y": round(y, 1),
                "height": round(bottom - y, 1),
                # Named inside the band where the band is tall enough for a line of text.
                "label_y": round((y + bottom) / 2, 1) if bottom - y >= FONT else None,
            }
        )
    week_lines, x_labels = week_marks([d["date"] for d in days])
    return {
        # 1.0 is a week like the usual; the bands' edges are in the legend.
        **frame(top, [0, 1.0, 1.5, top], lambda v: f"{v:.1f}"),
        "zones": zones,
        "acwr": polylines([d["acwr"] for d in days], top),
        "acwr_ewma": polylines([d["acwr_ewma"] for d in days], top),
        "week_lines": week_lines,
        "x_labels": x_labels,
    }


def frame(top: float, tick_values, label) -> dict:
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "plot_width": PLOT_W,
        "top": TOP,
        "bottom": TOP + PLOT_H,
        "ticks": [Tick(round(y_of(v, top), 1), label(v)) for v in tick_values],
        "label_y": HEIGHT - 6,
        "font": FONT,
    }


def week_comparison(series_days: list[dict]) -> dict:
    """The last 7 days' load against the 7 before, as two bars."""
    loads = [day["load"] for day in series_days]
    this_week, last_week = sum(loads[-7:]), sum(loads[-14:-7])
    most = max(this_week, last_week, 1)
    change = change_pct(this_week, last_week)
    return {
        "this_week": this_week,
        "last_week": last_week,
        "this_percent": round(this_week * 100 / most),
        "last_percent": round(last_week * 100 / most),
        "change": round(change) if change is not None else None,
    }


# --- Patterns: the share of days with an episode, with a factor and without it ----------

SHARE_LEFT, SHARE_RIGHT = 70, 56  # room for "Without" on the left, "100 %" on the right
SHARE_ROW = 32
SHARE_TOP = 4
SHARE_HEIGHT = SHARE_TOP + 2 * SHARE_ROW + 24
SHARE_BAR = 14


def pattern_chart(comparison) -> dict | None:
    """Two bars, the share of days with an episode with the factor and without it,
    each with its interval (a line with end marks), on a 0 to 100 % axis cut at
    the next round figure above the highest interval. None before a comparison."""
    intervals = comparison.share_intervals
    if intervals is None:
        return None
    plot_w = WIDTH - SHARE_LEFT - SHARE_RIGHT
    top = min(100, nice_ceiling(max(high for _, high in intervals) * 100))

    def x(share: float) -> float:
        return round(SHARE_LEFT + min(share * 100, top) / top * plot_w, 1)

    rows = []
    for index, (label, days, episode_days, (low, high)) in enumerate(
        [
            ("With", comparison.days_with, comparison.episode_days_with, intervals[0]),
            ("Without", comparison.days_without, comparison.episode_days_without, intervals[1]),
        ]
    ):
        share = episode_days / days
        middle = SHARE_TOP + index * SHARE_ROW + SHARE_ROW / 2
        rows.append(
            {
                "label": label,
                "css": "with" if index == 0 else "without",
                "y": round(middle - SHARE_BAR / 2, 1),
                "middle": round(middle, 1),
                "cap_top": round(middle - 5, 1),
                "cap_bottom": round(middle + 5, 1),
                "width": round(x(share) - SHARE_LEFT, 1),
                "low": x(low),
                "high": x(high),
                "percent": round(share * 100),
                "low_percent": round(low * 100),
                "high_percent": round(high * 100),
                "episode_days": episode_days,
                "days": days,
            }
        )
    axis_y = SHARE_TOP + 2 * SHARE_ROW
    return {
        "width": WIDTH,
        "height": SHARE_HEIGHT,
        "left": SHARE_LEFT,
        "right": WIDTH - SHARE_RIGHT,
        "value_x": WIDTH - 2,
        "axis_y": axis_y,
        "label_y": SHARE_HEIGHT - 6,
        "bar": SHARE_BAR,
        "rows": rows,
        "ticks": [
            XLabel(round(SHARE_LEFT + value / top * plot_w, 1), f"{value:g} %")
            for value in (0, top / 2, top)
        ],
    }
