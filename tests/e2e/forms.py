"""Filling in the log forms as a person does, and what each form should then store.

Every field of every kind is entered the way the page offers it: a chip is
tapped, a select chosen, a number typed. `NEW_ENTRIES` says, for each kind,
what is entered and what the stored row must then hold; the round-trip tests
(online, offline and after a reconnect) all read it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator

ZONE = ZoneInfo("Europe/Oslo")  # the athlete's; the browser's own clock is elsewhere


def local_minute(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


def yesterday_at(hour: int, minute: int) -> datetime:
    day = datetime.now(ZONE).date() - timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


@dataclass(frozen=True)
class Field:
    name: str
    how: str  # chip, select, number, toggle, duration, checkboxes, time, date, text
    entered: object
    stored: object


def enter(form: Locator, field: Field) -> None:
    """Enter one value as a person would, with the page's own controls."""
    name, value = field.name, field.entered
    if field.how == "chip":
        form.locator(f"input[name={name}][value='{value}']").check()
    elif field.how == "select":
        form.locator(f"select[name={name}]").select_option(value)
    elif field.how in ("number", "text", "date"):
        form.locator(f"[name={name}]").fill(str(value))
    elif field.how == "time":
        form.locator(f"[name={name}]").fill(local_minute(value))
    elif field.how == "toggle":
        form.locator(f"input[name={name}]").set_checked(bool(value))
    elif field.how == "duration":
        minutes, seconds = value
        form.locator(f"[name={name}_min]").fill(str(minutes))
        form.locator(f"[name={name}_s]").fill(str(seconds))
    elif field.how == "checkboxes":
        for box in form.locator(f"input[name={name}]").all():
            box.set_checked(box.get_attribute("value") in value)
    else:
        raise ValueError(field.how)


def fill_in(form: Locator, fields: list[Field]) -> None:
    form.locator("details.more").evaluate("(details) => { details.open = true; }")
    for field in fields:
        enter(form, field)


def stored_values(entry, fields: list[Field]) -> dict:
    return {field.name: getattr(entry, field.name) for field in fields}


def expected_values(fields: list[Field]) -> dict:
    return {field.name: field.stored for field in fields}


def new_entries() -> dict[str, list[Field]]:
    """For each kind, every field set away from any default, and what is stored
    (notes keep their line breaks as LF, though a browser sends CRLF)."""
    started = yesterday_at(6, 45)
    return {
        "episode": [
            Field("kind", "chip", "spasm", "spasm"),
            Field("body_region", "select", "thigh_back", "thigh_back"),
            Field("side", "chip", "right", "right"),
            Field("duration_s", "duration", (2, 5), 125),
            Field("pain", "chip", 7, 7),
            Field("timing", "chip", "hours_after", "hours_after"),
            Field("weakness", "toggle", True, True),
            Field("sensation_change", "toggle", False, False),
            Field("muscle_loss", "toggle", True, True),
            Field("started_at", "time", started, started),
            Field("count", "number", 3, 3),
            Field("relief", "checkboxes", ["stretch", "heat"], ["stretch", "heat"]),
            Field(
                "notes",
                "text",
                "Behind the knee.\nEased with heat.",
                "Behind the knee.\nEased with heat.",
            ),
        ],
        "workout": [
            Field("kind", "chip", "cycle", "cycle"),
            Field("duration_min", "number", 75, 75),
            Field("rpe", "chip", 8, 8),
            Field("warmed_up", "toggle", True, True),
            Field("stretched_after", "toggle", False, False),
            Field("hot_conditions", "toggle", True, True),
            Field("started_at", "time", started, started),
            Field("distance_km", "number", 32.5, 32.5),
            Field("avg_hr", "number", 141, 141),
            Field("max_hr", "number", 176, 176),
            Field("notes", "text", "Hill repeats.\nWindy.", "Hill repeats.\nWindy."),
        ],
        "hydration": [
            Field("volume_ml", "number", 750, 750),
            Field("drink", "chip", "sports_drink", "sports_drink"),
            Field("taken_at", "time", started, started),
            Field("notes", "text", "With the bars", "With the bars"),
        ],
        "checkin": [
            Field("date", "date", started.date().isoformat(), started.date()),
            Field("sleep_hours", "number", 6.5, 6.5),
            Field("stress", "chip", 9, 9),
            Field("caffeine_mg", "number", 300, 300),
            Field("ill", "toggle", True, True),
            Field("new_medication", "toggle", False, False),
            Field("notes", "text", "Deadline.\nLate night.", "Deadline.\nLate night."),
        ],
    }
