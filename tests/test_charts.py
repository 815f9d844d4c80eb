"""triage/charts.py: the geometry the SVG templates draw."""

from datetime import date, timedelta

from triage import charts


def report(loads, acute=None, acwr=None):
    start = date(2026, 9, 1)
    return {
        "days": [
            {
                "date": start + timedelta(days=i),
                "load": load,
                "acute": (acute or [None] * len(loads))[i],
                "chronic": None,
                "acwr": (acwr or [None] * len(loads))[i],
                "acwr_ewma": None,
            }
            for i, load in enumerate(loads)
        ]
    }


def test_bars_are_drawn_for_days_with_load_and_scaled_to_a_round_top():
    chart = charts.load_chart(report([0, 50, 100, 0]))

    assert len(chart["bars"]) == 2
    assert chart["ticks"][-1].label == "100"
    tallest = max(bar["height"] for bar in chart["bars"])
    assert tallest == round(charts.PLOT_H, 1)
    assert all(bar["y"] + bar["height"] <= chart["bottom"] + 0.1 for bar in chart["bars"])


def test_a_gap_in_a_line_breaks_it_in_two():
    lines = charts.polylines([1, 2, None, 3, 4], top=4)

    assert len(lines) == 2
    assert all(len(points.split()) == 2 for points in lines)


def test_the_ratio_chart_shades_the_zones_and_reaches_above_the_highest_ratio():
    chart = charts.acwr_chart(report([0] * 4, acwr=[None, 1.0, 2.4, 1.2]))

    assert [zone["name"] for zone in chart["zones"]] == [
        "below_usual",
        "usual",
        "above_usual",
        "well_above_usual",
    ]
    sweet = chart["zones"][1]
    assert sweet["height"] > 0
    assert chart["ticks"][-1].label == "2.6"
    assert len(chart["acwr"]) == 1


def test_every_monday_has_a_line_and_every_third_back_from_the_last_a_date():
    chart = charts.load_chart(report([10] * 45))  # 1 Sep 2026 (a Tuesday) to 15 Oct

    assert len(chart["week_lines"]) == 6  # 7, 14, 21, 28 Sep, 5 and 12 Oct
    assert [label.label for label in chart["x_labels"]] == ["21 Sep", "12 Oct"]


def test_axis_labels_read_at_12_px_on_the_narrowest_phone():
    # A 320 px screen draws the chart about 254 px wide (padding and card).
    scale = 254 / charts.WIDTH

    assert charts.FONT * scale >= 12


def test_the_ratio_bands_are_named_in_words_where_they_have_room():
    def named(highest):
        chart = charts.acwr_chart(report([0] * 4, acwr=[None, 1.0, highest, 1.2]))
        return [zone["words"] for zone in chart["zones"] if zone["label_y"] is not None]

    assert named(1.2) == [
        "below your usual",
        "about your usual",
        "above your usual",
        "well above your usual",
    ]
    # A ratio of 3 squeezes the 1.3-1.5 band below a line of text: the legend names it.
    assert named(3.0) == ["below your usual", "about your usual", "well above your usual"]


def test_week_comparison():
    days = report([10] * 7 + [20] * 7)["days"]

    weeks = charts.week_comparison(days)

    assert (weeks["this_week"], weeks["last_week"], weeks["change"]) == (140, 70, 100)
    assert (weeks["this_percent"], weeks["last_percent"]) == (100, 50)


def test_nice_ceilings():
    assert [charts.nice_ceiling(v) for v in (0, 7, 12, 180, 2300)] == [1, 10, 20, 200, 5000]
