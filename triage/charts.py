"""Geometry for the load charts, drawn as SVG by the templates (no chart library).

Plain functions from a load report (triage.load.load_report) to rectangles,
polylines and labels in a fixed viewBox. The templates only place them, so the
same charts serve the app and the admin.
"""

from dataclasses import dataclass
from datetime import date

from triage.metrics import ZONE_BOUNDS

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 8, 22
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


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


def month_labels(days: list[date]) -> list[XLabel]:
    """A label on the first of each month shown."""
    return [
        XLabel(x_of(index, len(days)), f"{day.day} {day:%b}")
        for index, day in enumerate(days)
        if day.day == 1
    ][-6:]


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
    return {
        **frame(top, [0, top / 2, top], lambda v: f"{v:,.0f}"),
        "bars": bars,
        "acute": polylines([d["acute"] for d in days], top),
        "chronic": polylines([d["chronic"] for d in days], top),
        "x_labels": month_labels([d["date"] for d in days]),
    }


def acwr_chart(report: dict) -> dict:
    """The acute:chronic ratio (and its EWMA form) over the shaded zones."""
    days = report["days"]
    highest = max([d["acwr"] or 0 for d in days] + [d["acwr_ewma"] or 0 for d in days])
    top = max(2.0, round(highest + 0.25, 1))
    zones = [
        {
            "name": name,
            "y": round(y_of(upper if upper is not None else top, top), 1),
            "height": round(((upper if upper is not None else top) - lower) / top * PLOT_H, 1),
        }
        for name, lower, upper in ZONE_BOUNDS
    ]
    return {
        **frame(top, [0, 0.8, 1.3, 1.5, top], lambda v: f"{v:.1f}"),
        "zones": zones,
        "acwr": polylines([d["acwr"] for d in days], top),
        "acwr_ewma": polylines([d["acwr_ewma"] for d in days], top),
        "x_labels": month_labels([d["date"] for d in days]),
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
    }


def week_comparison(series_days: list[dict]) -> dict:
    """The last 7 days' load against the 7 before, as two bars."""
    loads = [day["load"] for day in series_days]
    this_week, last_week = sum(loads[-7:]), sum(loads[-14:-7])
    most = max(this_week, last_week, 1)
    change = None if not last_week else round((this_week - last_week) / last_week * 100)
    return {
        "this_week": this_week,
        "last_week": last_week,
        "this_percent": round(this_week * 100 / most),
        "last_percent": round(last_week * 100 / most),
        "change": change,
    }
