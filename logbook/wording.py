"""How quantities read on screen: one phrase per kind of number.

Durations are stored in seconds (episodes) or minutes (workouts) but never
shown that way: "1 min 30 s", "15 min", "1 h 5 min". Error messages use the
long form ("at most 24 hours"), so a limit reads in the person's own units.
triage builds its sentences from these too; logbook never imports triage.
"""

SHORT = {"h": "h", "min": "min", "s": "s"}
LONG = {"h": ("hour", "hours"), "min": ("minute", "minutes"), "s": ("second", "seconds")}


def duration(seconds: int, *, long: bool = False) -> str:
    """45 -> "45 s", 90 -> "1 min 30 s", 900 -> "15 min", 3900 -> "1 h 5 min".

    Whole hours drop the seconds: a two-hour cramp's seconds are noise. With
    long=True: "1 minute 30 seconds", "24 hours".
    """
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    parts = [(hours, "h"), (mins, "min")]
    if not hours:
        parts.append((secs, "s"))
    named = [(n, unit) for n, unit in parts if n]
    if not named:
        named = [(0, "s")]
    if long:
        return " ".join(f"{n:,} {LONG[unit][n != 1]}" for n, unit in named)
    return " ".join(f"{n:,} {SHORT[unit]}" for n, unit in named)


def minutes(count: int, *, long: bool = False) -> str:
    """45 -> "45 min", 90 -> "1 h 30 min", 1440 -> "24 h"."""
    return duration(int(count) * 60, long=long)


def amount(value, unit: str = "") -> str:
    """1500 -> "1,500", with a unit: "1,500 ml". Whole floats lose their ".0"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}"
    return f"{text} {unit}" if unit else text


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """1 -> "1 day", 3 -> "3 days"; plural_form for irregular words."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {word}"


def and_list(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    parts = list(parts)
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --- Dates, as the server writes them (pages rewrite theirs in the browser's locale) --


def day(value) -> str:
    """20 Nov 2026."""
    return f"{value.day} {value:%b} {value.year}"


def span(first, last) -> str:
    """20 Nov 2026; 16–26 Nov 2026; 30 Oct – 2 Nov 2026; 30 Dec 2025 – 2 Jan 2026."""
    if first == last:
        return day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b} {last.year}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b} {last.year}"
    return f"{day(first)} – {day(last)}"


# --- Episodes -----------------------------------------------------------------------

KIND_NAMES = {
    "twitch": ("twitch", "twitches"),
    "spasm": ("spasm", "spasms"),
    "cramp": ("cramp", "cramps"),
    "severe": ("severe spasm", "severe spasms"),
}
REGION_NAMES = {"thigh_front": "front of the thigh", "thigh_back": "back of the thigh"}


def kind_name(kind: str, count: int = 1) -> str:
    """ "cramp", "cramps", "severe spasm"."""
    return KIND_NAMES[kind][0 if count == 1 else 1]


def region(name: str) -> str:
    """ "calf", "back of the thigh", "upper arm"."""
    return REGION_NAMES.get(name, name.replace("_", " "))


def where(body_region: str, side: str) -> str:
    """ "left calf", "neck", "calf (both sides)"."""
    if side in ("left", "right"):
        return f"{side} {region(body_region)}"
    if side == "both":
        return f"{region(body_region)} (both sides)"
    return region(body_region)


def episode(kind: str, body_region: str, side: str, duration_s: int) -> str:
    """ "Cramp, left calf, 1 min 30 s": an episode in a line."""
    return f"{kind_name(kind).capitalize()}, {where(body_region, side)}, {duration(duration_s)}"


def a_kind(kind: str) -> str:
    """ "a cramp", "a severe spasm (“muscle explosion”)"."""
    name = kind_name(kind)
    if kind == "severe":
        name += " (“muscle explosion”)"
    return f"a {name}"


def kinds(episodes) -> str:
    """ "3 cramps and 1 twitch, about 40 twitches counted in all"."""
    episodes = list(episodes)
    counts: dict[str, int] = {}
    for episode in episodes:
        counts[episode.kind] = counts.get(episode.kind, 0) + 1
    text = and_list(f"{n} {kind_name(kind, n)}" for kind, n in counts.items())
    twitches = sum(episode.count for episode in episodes)
    if twitches > len(episodes):
        text += f", about {twitches:,} twitches counted in all"
    return text


SYMPTOMS = (
    ("weakness", "weakness"),
    ("sensation_change", "a change in sensation"),
    ("muscle_loss", "a loss of muscle size"),
)


def symptom_names(episode) -> list[str]:
    """The symptoms that came with an episode, in words."""
    return [name for field, name in SYMPTOMS if getattr(episode, field)]
