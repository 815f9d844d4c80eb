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
HOT_WEATHER = Passage(
    "Exercise, particularly in hot weather, can cause dehydration. When you sweat, you lose "
    "both water and essential minerals. A lack of fluids and/or electrolytes can cause "
    "muscles to spasm.",
    TWITCHING,
)
# What the guidance names as known causes, for telling twitching "in the absence of
# known causes" from the rest: a check-in that names one of these explains its day.
KNOWN_CAUSES = Passage(
    "There are many potential causes, including: … Overexertion … Dehydration … Fatigue … Anxiety",
    TWITCHING,
)
RISK_FACTORS = Passage(
    "You might be more susceptible to muscle twitching if you are: … Ill … "
    "Taking certain medications",
    TWITCHING,
)
CAFFEINE_STUDY = Passage(
    "Prevalence and distribution of fasciculations in healthy adults: Effect of age, "
    "caffeine consumption and exercise.",
    TWITCHING,
)

# What a doctor asks, which the visit summary (records/) answers from the log.
DETAILED_HISTORY = Passage(
    "your doctor will take a detailed history. Be prepared to answer questions about: … "
    "The location of the twitching … Its duration … Its frequency … Its onset or when you "
    "first noticed the twitching … Other symptoms",
    TWITCHING,
)

# The reassurance the guidance gives, quoted by flags that do not say to see a doctor.
OCCASIONAL_TWITCH = Passage(
    "The occasional twitch after exercising doesn’t require a doctor’s visit.", TWITCHING
)
RESOLVE_ON_THEIR_OWN = Passage(
    "Spasms may occur during exercise, immediately after, or up to several hours later. "
    "They should resolve on their own.",
    TWITCHING,
)
CRAMPS_ARE_PAINFUL = Passage(
    "They can also occur as cramps, more sustained and painful contractions.", TWITCHING
)

# --- Advice ---------------------------------------------------------------------
# Each sentence restates a passage above or the articles' self-care list.
# "Serious condition" and "nervous disorders" are the guidance's words for when to
# see a doctor, and appear in see-a-doctor advice only; the rest says, as plainly,
# what the guidance says about not worrying (REASSURANCE), and what would change it.

REASSURANCE = (
    "The guidance says the occasional twitch after exercising doesn't require a doctor's "
    "visit, and that spasms should resolve on their own."
)
RELIEVE_A_CRAMP = (
    "To relieve it, the guidance says: stop the activity that led to the cramp, gently "
    "stretch or massage the muscle, and apply heat."
)
DOCTOR_WILL_ASK = (
    "Your log answers what a doctor will ask about: the location, duration, frequency "
    "and onset of the twitching, and other symptoms."
)

# recurring_episodes
WATCH_KEEPS_COMING_BACK = (
    REASSURANCE + " Keep logging each episode: if it keeps coming back, the guidance says "
    "to see your doctor."
)
SEE_A_DOCTOR_KEEPS_COMING_BACK = (
    "The guidance says a twitch or spasm that keeps coming back can be a sign of a "
    "serious condition: see your doctor. " + DOCTOR_WILL_ASK
)
# long_episode
LONGER_THAN_USUAL = (
    "The guidance says cramps last from a few seconds to 15 minutes; this one was longer, "
    "and it also says spasms should resolve on their own. "
    + RELIEVE_A_CRAMP
    + " If a cramp lasts this long again, or keeps coming back, it says to see your doctor."
)
SEE_A_DOCTOR_LONG = (
    "The guidance says a twitch or spasm that lasts a long time or keeps coming back can be "
    "a sign of a serious condition: see your doctor. " + DOCTOR_WILL_ASK
)
# persistent_twitching
SEE_A_DOCTOR_LONG_TERM = (
    "The guidance says to see a doctor to rule out nervous disorders when muscles "
    "twitch frequently over the long term. " + DOCTOR_WILL_ASK
)
# red_flag_symptoms
WATCH_SYMPTOMS = (
    REASSURANCE + " It lists weakness, a loss of or change in sensation and a loss of "
    "muscle size as reasons to see a doctor when muscles twitch frequently: if you twitch "
    "often, or the symptom comes back, see your doctor."
)
SEE_A_DOCTOR_SYMPTOMS = (
    "The guidance says to see a doctor to rule out nervous disorders when muscles twitch "
    "frequently together with weakness, a change in sensation or a loss of muscle size. "
    + DOCTOR_WILL_ASK
)
# severe_pain
WATCH_PAINFUL = (
    "The guidance describes cramps as sustained and painful contractions, and says spasms "
    "should resolve on their own. "
    + RELIEVE_A_CRAMP
    + " It says to contact your doctor after severe pain like a muscle explosion, and when "
    "a spasm lasts a long time or keeps coming back: if cramps this painful come back, see "
    "your doctor."
)
CONTACT_YOUR_DOCTOR_PAIN = (
    "The guidance says to contact your doctor after severe pain like a muscle explosion, "
    "and that a spasm that lasts a long time or keeps coming back can be a sign of a serious "
    "condition. " + RELIEVE_A_CRAMP + " " + DOCTOR_WILL_ASK
)
# load_spike and return_after_break
GRADUAL_PROGRESSION = (
    "The guidance says to increase exercise difficulty incrementally, not exponentially: "
    "don't add too much weight or too much time at once, because sudden changes in "
    "intensity can overtax muscles not yet used to them. " + REASSURANCE
)
EASE_BACK_IN = (
    "The guidance names returning to training after a period of inactivity as a risk "
    "factor for spasms, and says to increase exercise difficulty incrementally, not "
    "exponentially. " + REASSURANCE
)
# dehydration_risk
DRINK_PLENTY = (
    "The guidance names a lack of fluids and minerals, especially in hot weather, after "
    "heavy sweating or exercising dehydrated, as a cause of spasms and twitching, and "
    "advises drinking plenty of fluids. " + REASSURANCE
)
# unexplained_twitching
SPEAK_TO_YOUR_DOCTOR_UNKNOWN = (
    "The guidance says that if your muscles often twitch in the absence of known causes, "
    "you should speak to your doctor. " + DOCTOR_WILL_ASK
)
# no_warmup_pattern
WARM_UP = (
    "The guidance says to warm up and stretch before any intense activity, and to stretch "
    "before and after exercise. " + REASSURANCE
)
