"""What the guidance says: the passages every rule and every piece of advice rests on.

The app never diagnoses. A flag says what was seen, then what these two
patient-education articles say about it, and when they say to see a doctor.
Every `quote` is copied word for word from an article ("…" marks a cut), and
every piece of advice restates one of them; tests/test_guidance.py checks the
quotes against the articles' text in tests/guidance/.
"""

from dataclasses import dataclass

NALL = "Rachel Nall, “Muscle Twitching and Spasms After Exercise”"
TWITCHING = "“Is Muscle Twitching Normal After Exercise?”"


@dataclass(frozen=True)
class Passage:
    quote: str
    article: str

    def __str__(self):
        return f"“{self.quote}” ({self.article})"


KEEPS_COMING_BACK = Passage(
    "If any muscle twitch or spasm lasts a long time or keeps coming back, "
    "you may have a serious condition.",
    NALL,
)
CRAMPS_LAST_UP_TO_15_MIN = Passage(
    "Cramps can last anywhere from a few seconds to 15 minutes.", TWITCHING
)
_SEE_A_DOCTOR_IF_FREQUENT = (
    "you should see a doctor to rule out nervous disorders if your muscles frequently "
    "twitch and you experience any of the following symptoms: …"
)
LONG_TERM_TWITCHING = Passage(f"{_SEE_A_DOCTOR_IF_FREQUENT} Long-term twitching", TWITCHING)
TWITCHING_WITH_SYMPTOMS = Passage(
    f"{_SEE_A_DOCTOR_IF_FREQUENT} Weakness … Loss of or change in nerve sensation … "
    "Loss of muscle size",
    TWITCHING,
)
SEVERE_PAIN = Passage(
    "If you experience severe pain, like a muscle explosion, contact your doctor.", NALL
)
INCREMENTALLY = Passage(
    "Increase your exercise difficulty incrementally — not exponentially — by refraining "
    "from adding too much weight to your strength-training routine or too much time to "
    "your cardiovascular routine.",
    NALL,
)
SUDDEN_CHANGES = Passage(
    "Sudden changes in intensity can also overtax muscles not yet used to this new activity.",
    TWITCHING,
)
FLUIDS_AND_MINERALS = Passage(
    "Another cause of spasms and twitching is lack of fluids and minerals … This is "
    "particularly true if you have sweated profusely or are dehydrated when you exercise.",
    NALL,
)
UNKNOWN_CAUSES = Passage(
    "If your muscles often twitch in the absence of known causes, you should speak to your doctor.",
    TWITCHING,
)
RETURNING_AFTER_INACTIVITY = Passage(
    "An athlete returning to train after a period of inactivity", TWITCHING
)
WARM_UP_AND_STRETCH = Passage(
    "You should also warm up and stretch before any intense activity.", TWITCHING
)

# Advice: each sentence restates a passage above or the articles' self-care list.
RELIEVE_A_CRAMP = (
    "To relieve it, the guidance says: stop the activity that led to the cramp, gently "
    "stretch or massage the muscle, and apply heat."
)
DOCTOR_WILL_ASK = (
    "Your log answers what a doctor will ask about: the location, duration, frequency "
    "and onset of the twitching, and other symptoms."
)
SEE_A_DOCTOR_KEEPS_COMING_BACK = (
    "The guidance says a twitch or spasm that keeps coming back can be a sign of a "
    "serious condition: see your doctor. " + DOCTOR_WILL_ASK
)
WATCH_KEEPS_COMING_BACK = (
    "The guidance says a twitch or spasm that keeps coming back can be a sign of a "
    "serious condition. Keep logging each episode; if it keeps coming back, see your doctor."
)
LONGER_THAN_USUAL = (
    "The guidance says cramps last from a few seconds to 15 minutes; this was longer. "
    + RELIEVE_A_CRAMP
    + " If it lasts a long time or keeps coming back, see your doctor."
)
SEE_A_DOCTOR_LONG = (
    "The guidance says a twitch or spasm that lasts a long time can be a sign of a "
    "serious condition: see your doctor. " + DOCTOR_WILL_ASK
)
SEE_A_DOCTOR_LONG_TERM = (
    "The guidance says to see a doctor to rule out nervous disorders when muscles "
    "twitch frequently over the long term. " + DOCTOR_WILL_ASK
)
WATCH_SYMPTOMS = (
    "The guidance lists weakness, a loss of or change in sensation and a loss of muscle "
    "size as reasons to see a doctor when muscles twitch frequently. If twitching keeps "
    "happening with these symptoms, see your doctor."
)
SEE_A_DOCTOR_SYMPTOMS = (
    "The guidance says to see a doctor to rule out nervous disorders when muscles twitch "
    "frequently together with weakness, a change in sensation or a loss of muscle size. "
    + DOCTOR_WILL_ASK
)
CONTACT_YOUR_DOCTOR_PAIN = (
    "The guidance says to contact your doctor after severe pain like a muscle explosion. "
    + RELIEVE_A_CRAMP
)
GRADUAL_PROGRESSION = (
    "The guidance says to increase exercise difficulty incrementally, not exponentially: "
    "don't add too much weight or too much time at once, because sudden changes in "
    "intensity can overtax muscles not yet used to them."
)
DRINK_PLENTY = (
    "The guidance names a lack of fluids and minerals, especially after heavy sweating or "
    "exercising dehydrated, as a cause of spasms and twitching, and advises drinking "
    "plenty of fluids."
)
SPEAK_TO_YOUR_DOCTOR_UNKNOWN = (
    "The guidance says that if your muscles often twitch in the absence of known causes, "
    "you should speak to your doctor. " + DOCTOR_WILL_ASK
)
EASE_BACK_IN = (
    "The guidance names returning to training after a period of inactivity as a risk "
    "factor for spasms, and says to increase exercise difficulty incrementally, not "
    "exponentially."
)
WARM_UP = (
    "The guidance says to warm up and stretch before any intense activity, and to stretch "
    "before and after exercise."
)
