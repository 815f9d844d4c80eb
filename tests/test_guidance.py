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
