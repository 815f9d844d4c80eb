"""How hard an imported session was, on Foster's CR-10 session-RPE scale.

A workout in the log carries a session RPE (1-10), and its load is RPE x
minutes (Foster et al. 2001). Exports rarely say how hard a session felt, so:

1. RPEs written in the file (Strong, Hevy: one per set) -> their mean,
   rounded half up to a whole number from 1 to 10; not an estimate.
2. Otherwise, an average heart rate and a maximum heart rate -> the
   intensity class of that percentage of HRmax, turned into the CR-10 value
   that names the same effort (HR_TO_RPE below); an estimate.
3. Neither -> 5 ("hard", the middle of the scale); an estimate.

Estimates are marked so that a person can see and correct them.
"""

from datetime import date

from logbook.importers.base import Session

DEFAULT_RPE = 5

# Session-average %HRmax -> session RPE on Foster's CR-10 scale.
#
# The classes are the relative-intensity classes of the American College of
# Sports Medicine: Garber CE et al., "Quantity and quality of exercise for
# developing and maintaining cardiorespiratory, musculoskeletal, and
# neuromotor fitness in apparently healthy adults", Med Sci Sports Exerc
# 2011;43(7):1334-59, Table 2 (the same cut-points as ACSM's Guidelines for
# Exercise Testing and Prescription, 10th ed., 2018): very light < 57 %HRmax,
# light 57-63, moderate 64-76, vigorous 77-95, near-maximal to maximal >= 96.
# Each class's Borg 6-20 range there (< 9, 9-11, 12-13, 14-17, >= 18) is given
# the CR-10 value whose verbal anchor says the same in Foster C et al., "A new
# approach to monitoring exercise training", J Strength Cond Res
# 2001;15(1):109-15: 1 "very, very easy", 2 "easy", 3 "moderate", 5 "hard",
# 9 (between "very hard", 7, and "maximal", 10).
#
# Each row: (lowest %HRmax of the class, RPE). Read top down; the first row
# whose lower bound the percentage reaches wins.
HR_TO_RPE = (
    (96, 9),  # near-maximal to maximal
    (77, 5),  # vigorous: "hard"
    (64, 3),  # moderate: "moderate"
    (57, 2),  # light: "easy"
    (0, 1),  # very light: "very, very easy"
)


def session_rpe(session: Session, max_hr: int | None) -> tuple[int, bool]:
    """(RPE 1-10, whether it is an estimate) for an imported session."""
    if session.rpe_values:
        mean = sum(session.rpe_values) / len(session.rpe_values)
        return clamp(int(mean + 0.5)), False
    if session.avg_hr and max_hr:
        return rpe_from_heart_rate(session.avg_hr, max_hr), True
    return DEFAULT_RPE, True


def rpe_from_heart_rate(avg_hr: float, max_hr: int) -> int:
    """The CR-10 value for a session-average heart rate, by HR_TO_RPE."""
    percent = 100 * avg_hr / max_hr
    for lowest, rpe in HR_TO_RPE:
        if percent >= lowest:
            return rpe
    return HR_TO_RPE[-1][1]


def max_hr_for(birth_year: int | None, on: date, profile_max_hr: int | None) -> int | None:
    """The person's maximum heart rate: their own figure, else Tanaka's estimate.

    Tanaka H, Monahan KD, Seals DR, "Age-predicted maximal heart rate
    revisited", J Am Coll Cardiol 2001;37(1):153-6: HRmax = 208 - 0.7 x age.
    Age is counted in whole years from the birth year (the log keeps no
    birthday), and the result is rounded half up.
    """
    if profile_max_hr:
        return profile_max_hr
    if birth_year is None or birth_year > on.year:
        return None
    age = on.year - birth_year
    return (2080 - 7 * age + 5) // 10  # round(208 - 0.7 x age), half up, in whole numbers


def clamp(rpe: int) -> int:
    return min(10, max(1, rpe))
