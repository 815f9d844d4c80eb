"""Every rule and every piece of advice can be traced to the articles' own words."""

import re
from pathlib import Path

import pytest

from tests.histories import every_pattern
from triage import guidance, rules

ARTICLES = {
    guidance.NALL: Path(__file__).parent / "guidance" / "exercise-twitching-nall.txt",
    guidance.TWITCHING: Path(__file__).parent / "guidance" / "muscle-twitching-after-exercise.txt",
}
PASSAGES = [value for value in vars(guidance).values() if isinstance(value, guidance.Passage)]


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("-", " ")).strip()


@pytest.mark.parametrize("passage", PASSAGES, ids=lambda p: p.quote[:40])
def test_every_quote_is_word_for_word_from_its_article(passage):
    article = normalized(ARTICLES[passage.article].read_text())
    position = 0
    # "…" marks a cut: the pieces must appear in order.
    for piece in passage.quote.split("…"):
        piece = normalized(piece)
        found = article.find(piece, position)
        assert found >= 0, piece
        position = found + len(piece)


def test_every_finding_cites_a_passage_and_gives_guidance_advice():
    advice = {value for value in vars(guidance).values() if isinstance(value, str)}
    cited = {str(passage) for passage in PASSAGES}

    found = rules.evaluate(every_pattern(), rules.Thresholds.from_settings())

    assert {finding.rule for finding in found} == set(rules.Rule)
    for finding in found:
        assert finding.source in cited
        assert finding.advice in advice


def test_the_rules_module_only_cites_passages_from_the_guidance_module():
    source = Path(rules.__file__).read_text()

    cited = set(re.findall(r"guidance\.([A-Z_0-9]+)", source))
    passages = {
        name for name, value in vars(guidance).items() if isinstance(value, guidance.Passage)
    }
    advice = {
        name for name, value in vars(guidance).items() if isinstance(value, str) and name.isupper()
    }

    assert cited <= passages | advice
    assert '"“' not in source  # no quotes typed into the rules themselves


# --- Honest in both directions ---------------------------------------------------------

ALARM = ("serious condition", "nervous disorders")


@pytest.fixture(scope="module")
def simulated_findings():
    """Every finding of one evaluation at the end of 60 healthy and 35 concerning logs."""
    from tests.population_run import Timeline
    from tests.populations import HEALTHY, LAST_DAY, PATTERNS, day, simulate

    thresholds = rules.Thresholds.from_settings()
    found = list(rules.evaluate(every_pattern(), thresholds))
    for population, count in [(HEALTHY, 60), *((name, 5) for name in PATTERNS)]:
        for index in range(count):
            history = Timeline(simulate(population, index, seed=7)).history(day(LAST_DAY), 120)
            found += rules.evaluate(history, thresholds)
    return found


def test_only_see_a_doctor_findings_speak_of_serious_conditions(simulated_findings):
    for finding in simulated_findings:
        words = f"{finding.message} {finding.advice} {finding.source}".lower()
        if not finding.severity.sees_doctor:
            assert not any(alarm in words for alarm in ALARM), finding


def test_watch_and_info_findings_say_what_the_guidance_says_about_not_worrying(simulated_findings):
    calmer = [f for f in simulated_findings if not f.severity.sees_doctor]
    assert {f.severity for f in calmer} == {rules.Severity.WATCH, rules.Severity.INFO}
    for finding in calmer:
        # "Spasms … should resolve on their own."
        assert "spasms should resolve on their own" in finding.advice, finding


def test_see_a_doctor_findings_say_so_and_what_the_log_can_answer(simulated_findings):
    doctor = [f for f in simulated_findings if f.severity.sees_doctor]
    assert doctor
    for finding in doctor:
        assert "doctor" in finding.advice
        assert guidance.DOCTOR_WILL_ASK in finding.advice or "contact your doctor" in finding.advice


def test_every_message_keeps_its_numbers(simulated_findings):
    for finding in simulated_findings:
        assert re.search(r"\d", finding.message), finding
