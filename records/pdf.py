"""The visit summary as a PDF: one A4 page a doctor can read in two minutes,
and, if asked for, detail pages listing each episode with its day and the day
before. Black on white, so that it reads the same printed in grey.

fpdf2 draws it in pure Python; the font is DejaVu Sans (records/fonts/, with
its licence), which has every character people type.
"""

import io
from datetime import date, timedelta
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.fonts import FontFace

from logbook import wording
from logbook.models import WorkoutKind
from records import questions
from records.summary import Summary
from triage.history import History

FONTS = Path(__file__).resolve().parent / "fonts"
MARGIN = 12  # mm
QR_SIZE = 28  # mm
# Tried in turn until the summary fits on its page.
FONT_SIZES = (9, 8, 7)
# The most places and flags the page lists; the rest are counted (and listed in
# the detail pages, when asked for).
MOST_PLACES = 6
MOST_FLAGS = 6
MOST_PATTERNS = 3
# The PDF's Timing column: the words of questions.TIMINGS, without "exercise".
SHORT_TIMINGS = {
    "during_exercise": "during",
    "right_after": "right after",
    "hours_after": "hours after",
    "unrelated": "unrelated",
}
# What a sign's row may say of the rule's finding, at most: the page shows the
# gist; the detail pages and the page on screen have the rest.
FOUND_CHARACTERS = 220
STATE_WORDS = {
    questions.MATCHED: "In the log",
    questions.PARTLY: "Partly",
    questions.NOT_SEEN: "Not seen",
}
GREY = (110, 110, 110)
WORKOUT_KINDS = {
    kind: label if label.isupper() else label.lower() for kind, label in WorkoutKind.choices
}
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


class Document(FPDF):
    def __init__(self, size: float):
        super().__init__(format="A4", unit="mm")
        self.size = size
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_font("DejaVu", size=size)
        self.set_title("Visit summary")
        self.set_creator("twitchlog")

    @property
    def line(self) -> float:
        return self.size * 0.45

    def heading(self, text: str) -> None:
        self.ln(self.line * 0.6)
        self.set_font("DejaVu", "B", self.size + 1.5)
        self.cell(0, self.line * 1.3, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", self.size)

    def para(self, text: str, *, bold_lead: str = "", grey: bool = False) -> None:
        if grey:
            self.set_text_color(*GREY)
        markdown = f"**{escape(bold_lead)}** {escape(text)}" if bold_lead else escape(text)
        self.multi_cell(0, self.line, markdown, markdown=True, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)


def escape(text: str) -> str:
    """Text people typed, safe from fpdf2's markdown (** __ --)."""
    return text.replace("**", "*\u200b*").replace("__", "_\u200b_").replace("--", "-\u200b-")


def render(summary: Summary, sections, *, share_url: str | None = None) -> bytes:
    """The PDF: the summary on one page (the largest font that fits), then the
    detail pages if "detail" is among the sections."""
    for size in FONT_SIZES:
        document = Document(size)
        document.add_page()
        first_page(document, summary, sections, share_url)
        if document.page == 1:
            break
    if "detail" in sections:
        detail_pages(document, summary)
    return bytes(document.output())


def first_page(pdf: Document, summary: Summary, sections, share_url: str | None) -> None:
    top = pdf.get_y()
    text_width = pdf.epw - (QR_SIZE + 4 if share_url else 0)
    pdf.set_font("DejaVu", "B", pdf.size + 7)
    pdf.cell(text_width, pdf.line * 2.2, "Visit summary", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", pdf.size + 1)
    pdf.multi_cell(
        text_width,
        pdf.line * 1.2,
        f"{wording.span(summary.start, summary.end)}: "
        f"{wording.plural(len(summary.episodes), 'episode')} on "
        f"{wording.plural(summary.episode_days, 'day')} in "
        f"{wording.plural(len(summary.places), 'place')}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", pdf.size)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        text_width,
        pdf.line,
        "From the athlete's own log in twitchlog. The guidance says a doctor “will take a "
        "detailed history” and asks about the location of the twitching, its duration, its "
        "frequency, its onset, and other symptoms; this page answers them from the log. It does "
        "not diagnose.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0)
    if share_url:
        qr_code(pdf, share_url, top)

    pdf.heading("Where, since when, how often, how long")
    again = summary.places_again
    if again:
        places_table(pdf, again[:MOST_PLACES])
        if len(again) > MOST_PLACES:
            more = len(again) - MOST_PLACES
            pdf.para(f"And {wording.plural(more, 'more place')}, with fewer episodes.", grey=True)
    if summary.places_once:
        pdf.para(
            wording.and_list(
                [f"{p.once} ({wording.day(p.latest.date())})" for p in summary.places_once]
            )
            + ".",
            bold_lead="Once in this range:",
        )
    if not summary.places:
        pdf.para("No episodes were logged in this range.")

    if "symptoms" in sections:
        pdf.heading("Other symptoms")
        for symptom in summary.symptoms:
            if symptom.days:
                text = (
                    f"on {wording.plural(len(symptom.days), 'day')} "
                    f"({days_text(symptom.days)}), with episodes in the {symptom.places}."
                )
            else:
                text = "not logged."
            pdf.para(text, bold_lead=f"{symptom.name.capitalize()}:")
    if "context" in sections:
        pdf.heading("Training, fluids and days")
        pdf.para(summary.training.words, bold_lead="Training:")
        pdf.para(fluids_text(summary.fluids), bold_lead="Fluids:")
        pdf.para(days_text_of(summary.days), bold_lead="Check-ins:")
    if "medications" in sections:
        pdf.para(" ".join(summary.medications.split()) or "none given.", bold_lead="Medications:")
    if "signs" in sections:
        pdf.heading("The guidance's signs for seeing a doctor")
        signs_table(pdf, summary.signs)
        pdf.para(
            "“Partly”: the pattern is in the log, below the line at which the guidance says to "
            "see a doctor. The guidance also says “the occasional twitch after exercising doesn’t "
            "require a doctor’s visit.”",
            grey=True,
        )
    if "flags" in sections:
        pdf.heading("Flags raised in this range")
        if not summary.flags:
            pdf.para("None.")
        for flag in summary.flags[:MOST_FLAGS]:
            pdf.para(
                f"{wording.span(flag.window_start, flag.window_end)}: {flag.message} "
                f"Review: {flag.outcome}.",
                bold_lead=f"{flag.rule_title} ({flag.severity}),",
            )
        if len(summary.flags) > MOST_FLAGS:
            pdf.para(f"And {len(summary.flags) - MOST_FLAGS} more.", grey=True)
    if "patterns" in sections:
        pdf.heading("Patterns: what came before episodes")
        clear = summary.clear_patterns
        if not clear:
            pdf.para(summary.pattern_overview)
        for said, how_sure in clear[:MOST_PATTERNS]:
            pdf.para(f"{said} {how_sure}")
        if len(clear) > MOST_PATTERNS:
            pdf.para(f"And {len(clear) - MOST_PATTERNS} more (the page has them).", grey=True)
        pdf.para(summary.pattern_note, grey=True)
    pdf.ln(pdf.line * 0.6)
    pdf.para(
        "What a log cannot show: days without an entry may be days without an episode, or days "
        "nothing was logged; pain is the athlete's own 0–10 rating."
        + (" Scan the code for the live summary." if share_url else ""),
        grey=True,
    )


def qr_code(pdf: Document, url: str, top: float) -> None:
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=8, border=2)
    pdf.image(image, x=pdf.w - MARGIN - QR_SIZE, y=top, w=QR_SIZE, h=QR_SIZE)
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE + 1))


def places_table(pdf: Document, places) -> None:
    widths = (24, 20, 17, 45, 22, 20, 13, 25)
    with pdf.table(
        col_widths=widths,
        headings_style=HEADINGS,
        line_height=pdf.line,
        padding=0.8,
        text_align="LEFT",
    ) as table:
        table.row(
            ["Where", "Onset", "Latest", "How often", "How long", "Kinds", "Pain", "Exercise"]
        )
        for place in places:
            onset = wording.day(place.first_ever.date())
            if not place.began_in_range:
                onset += " (before this range)"
            often = place.often(halves=False)
            table.row(
                [
                    place.where.capitalize(),
                    onset,
                    wording.day(place.latest.date()),
                    often,
                    f"median {wording.duration(place.median_duration_s)}, longest "
                    f"{wording.duration(place.longest_duration_s)}",
                    place.kinds,
                    f"{place.pain_median:g}/10, worst {place.pain_max}",
                    ", ".join(f"{SHORT_TIMINGS[key]} {n}" for key, n in place.timings),
                ]
            )


def signs_table(pdf: Document, signs) -> None:
    with pdf.table(
        col_widths=(60, 18, 102),
        headings_style=HEADINGS,
        line_height=pdf.line,
        padding=0.8,
        text_align="LEFT",
    ) as table:
        table.row(["Sign (the guidance)", "In the log?", "What the log shows"])
        for sign in signs:
            row = table.row()
            row.cell(sign.title)
            state = STATE_WORDS[sign.state]
            row.cell(
                state, style=FontFace(emphasis="BOLD") if sign.state != questions.NOT_SEEN else None
            )
            row.cell(shortened(sign.found) or "—")


def shortened(text: str, most: int = FOUND_CHARACTERS) -> str:
    """The text, or as many whole sentences of it as fit in `most` characters
    (at least the first, cut at a word), and "…"."""
    if len(text) <= most:
        return text
    kept = ""
    for sentence in text.split(". "):
        candidate = f"{kept}{sentence}. " if kept or sentence else kept
        if len(candidate) > most:
            break
        kept = candidate
    if not kept:
        kept = text[:most].rsplit(" ", 1)[0] + " "
    return kept.rstrip() + " …"


def days_text(days) -> str:
    if len(days) > 6:
        return f"{wording.span(days[0], days[-1])}"
    return wording.and_list([wording.day(day) for day in days])


def fluids_text(fluids: questions.Fluids) -> str:
    if not fluids.days_logged:
        return "no drinks logged."
    return (
        f"drinks logged on {fluids.days_logged} of {wording.plural(fluids.days_in_range, 'day')}; "
        f"on those days a median of {wording.amount(fluids.median_ml, 'ml')} against a target of "
        f"{wording.amount(fluids.target_ml, 'ml')}, reached on "
        f"{wording.plural(fluids.days_at_target, 'day')}."
    )


def days_text_of(days: questions.Days) -> str:
    if not days.checkins:
        return "none in this range."
    averages = []
    if days.sleep_hours is not None:
        averages.append(f"sleep {days.sleep_hours:g} h")
    if days.caffeine_mg is not None:
        averages.append(f"caffeine {days.caffeine_mg:.0f} mg")
    if days.stress is not None:
        averages.append(f"stress {days.stress:g}/10")
    text = f"{wording.plural(days.checkins, 'day')} with a check-in"
    if averages:
        text += "; on average " + wording.and_list(averages)
    text += "."
    if days.ill:
        text += f" Ill on {days_text(days.ill)}."
    if days.new_medication:
        text += f" A new medication on {days_text(days.new_medication)}."
    return text


# --- Detail pages -----------------------------------------------------------------------


def detail_pages(pdf: Document, summary: Summary) -> None:
    pdf.add_page()
    pdf.set_font("DejaVu", "B", pdf.size + 4)
    pdf.cell(
        0,
        pdf.line * 2,
        "Each episode, with its day and the day before",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", pdf.size)
    if not summary.episodes:
        pdf.para("No episodes were logged in this range.")
        return
    with pdf.table(
        col_widths=(21, 25, 28, 10, 20, 82),
        headings_style=HEADINGS,
        line_height=pdf.line,
        padding=0.8,
        text_align="LEFT",
    ) as table:
        table.row(["When", "Where", "What", "Pain", "Timing", "That day and the day before"])
        for episode in summary.episodes:
            kind = wording.kind_name(episode.kind).capitalize()
            what = f"{kind}, {wording.duration(episode.duration_s)}"
            symptoms = wording.symptom_names(episode)
            if symptoms:
                what += "; with " + wording.and_list(symptoms)
            table.row(
                [
                    f"{wording.day(episode.day)}, {episode.started_at:%H:%M}",
                    wording.where(episode.body_region, episode.side).capitalize(),
                    what,
                    f"{episode.pain}/10",
                    questions.TIMINGS.get(episode.timing, episode.timing),
                    day_context(summary.history, episode.day),
                ]
            )


def day_context(history: History, day: date) -> str:
    """What else was logged on a day and the day before it."""
    parts = []
    for label, when in (("Day before", day - timedelta(days=1)), ("That day", day)):
        things = [
            f"{WORKOUT_KINDS.get(w.kind, w.kind)} {wording.minutes(w.duration_min)} at RPE {w.rpe}"
            for w in history.workouts
            if w.day == when
        ]
        fluid = history.daily_fluid_ml.get(when)
        if fluid is not None:
            things.append(f"{fluid / 1000:.1f} l to drink")
        checkin = history.checkin_on.get(when)
        if checkin:
            things.extend(checkin_words(checkin))
        parts.append(f"{label}: {', '.join(things) if things else 'nothing logged'}.")
    return " ".join(parts)


def checkin_words(checkin) -> list[str]:
    words = []
    if checkin.sleep_hours is not None:
        words.append(f"slept {checkin.sleep_hours:g} h")
    if checkin.caffeine_mg is not None:
        words.append(f"caffeine {checkin.caffeine_mg} mg")
    if checkin.stress is not None:
        words.append(f"stress {checkin.stress}/10")
    if checkin.ill:
        words.append("ill")
    if checkin.new_medication:
        words.append("new medication")
    return words
