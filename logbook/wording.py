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
