"""Answer text: encoding repaired, images and credits out, formulas readable, code untouched."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from content.bank import Bank
from content.text import MOJIBAKE_MARKERS, clean_answer, has_mojibake, repair_mojibake
from tests.content.conftest import source_text


def test_mojibake_is_repaired() -> None:
    assert repair_mojibake("$Ïƒ(x)$") == "$σ(x)$"
    assert repair_mojibake("the modelâ€™s performance") == "the model’s performance"
    assert repair_mojibake("networks ðŸ§\u00a0.") == "networks 🧠."


@given(st.text())
def test_repair_never_breaks_clean_text(text: str) -> None:
    clean = text.encode("utf-8", "replace").decode("utf-8")
    if not has_mojibake(clean):
        assert repair_mojibake(repair_mojibake(clean)) == repair_mojibake(clean)
    repaired = repair_mojibake("Here’s a “quote” – café déjà vu")
    assert repaired == "Here’s a “quote” – café déjà vu"


def test_no_encoding_damage_anywhere_in_the_bank(bank: Bank) -> None:
    for question in bank.questions:
        texts = [question.prompt, *question.answers, *(p.text for p in question.key_points)]
        texts += [alias for point in question.key_points for alias in point.aliases]
        for text in texts:
            found = [marker for marker in MOJIBAKE_MARKERS if marker in text]
            assert not found, f"{question.id}: {found}"


def test_sigmoid_formula_is_repaired_and_readable(bank: Bank) -> None:
    sigmoid = bank.find("sigmoid-function")
    assert sigmoid is not None
    assert "σ(x) = 1 / (1 + e^(-x))" in sigmoid.answers[0]
    assert "\\over" not in sigmoid.answers[0] and "$" not in sigmoid.answers[0]


def test_images_and_credit_lines_leave_the_answer_but_credits_are_kept() -> None:
    cleaned = clean_answer(
        "- Formula : ReLU(x)=max(0,x)\n"
        "- Illustration :\n"
        '<img src="images/Relu.png" width="350"/>\n'
        "<div>\n<img src='x.png'/>\n</div>\n"
        "See ![](images/a.png) here\n"
        "** Source : https://example.org/relu\n"
        "*source : https://example.org/nn\n"
        "Done."
    )
    assert cleaned.text == "- Formula : ReLU(x)=max(0,x)\nSee here\nDone."
    assert cleaned.attribution == ("https://example.org/relu", "https://example.org/nn")


def test_bank_answers_have_no_image_tags_or_credit_lines(bank: Bank) -> None:
    pattern = re.compile(r"<img|<div|!\[[^\]]*\]\(|^\W*source\s*:", re.IGNORECASE | re.MULTILINE)
    for question in bank.questions:
        for answer in question.answers:
            assert not pattern.search(answer), question.id


def test_credits_become_attribution(bank: Bank) -> None:
    rnn_structure = bank.find("rnn-structure-looks-like")
    assert rnn_structure is not None
    assert any("intellipaat.com" in credit for credit in rnn_structure.attribution)


def _fenced_blocks(text: str) -> list[str]:
    return re.findall(r"^[ \t]*```python\n.*?^[ \t]*```$", text, re.MULTILINE | re.DOTALL)


def _without_trailing_spaces(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def test_fenced_code_blocks_survive_whole(bank: Bank) -> None:
    """Every code block of the long-answer document is in the bank, line for line (only
    trailing whitespace, invisible in code, is dropped)."""
    source_blocks = [_without_trailing_spaces(b) for b in _fenced_blocks(source_text("004"))]
    assert len(source_blocks) >= 10
    bank_text = "\n".join(answer for q in bank.questions for answer in q.answers)
    missing = [block[:60] for block in source_blocks if block not in bank_text]
    assert missing == []


def test_plain_text_table_is_fenced_for_chat(bank: Bank) -> None:
    question = bank.find("sgd-vs-gd")
    assert question is not None
    table_answer = next(answer for answer in question.answers if "criteria" in answer)
    assert "```\ncriteria" in table_answer
    assert "|  Entire dataset   |" in table_answer


def test_code_keeps_its_blank_lines_and_indentation() -> None:
    code = "```python\ndef f():\n    return 1   \n    \n\n\ndef g():\n    pass\n```"
    cleaned = clean_answer(f"Intro:\n{code}\nAfter.\n\n\n\nMore.").text
    kept = "```python\ndef f():\n    return 1\n\n\n\ndef g():\n    pass\n```"
    assert cleaned == f"Intro:\n\n{kept}\n\nAfter.\n\nMore."


def test_formulas_become_plain_text() -> None:
    cases = {
        r"$Swish(x) ={x . sigmoid(x)} = {x \over 1 + e^{-x}}$": (
            "Swish(x) = x · sigmoid(x) = x / (1 + e^(-x))"
        ),
        r"$f(x) = { x\  if\ x > 0,\ alpha \times x\ if\ x <= 0 }$, where": (
            "f(x) = x if x > 0, alpha × x if x <= 0, where"
        ),
        r"at timestep \( t \), the state \( h_{t-1} \)": "at timestep t, the state h_(t-1)",
        r"where \(\eta\) is the rate": "where η is the rate",
        r"- rule: \( w \leftarrow w - \eta \frac{\partial \text{Loss}}{\partial w} \)": (
            "- rule: w ← w - η ∂Loss / ∂w"
        ),
        r"from \(10^{-5}\) to \(10^{-1}\).": "from 10^(-5) to 10^(-1).",
    }
    for latex, plain in cases.items():
        assert clean_answer(latex).text == plain


def test_display_math_delimiters_leave_no_trace() -> None:
    cleaned = clean_answer("The update:\n  \\[\n  w \\leftarrow w - g\n  \\]\nDone.").text
    assert cleaned == "The update:\n  w ← w - g\nDone."


def test_no_latex_commands_left_in_the_bank(bank: Bank) -> None:
    command = re.compile(r"\\[a-zA-Z]+|\\[\[\]()]|\$[^$\s]")
    for question in bank.questions:
        for answer in question.answers:
            prose = re.sub(r"```.*?```", "", answer, flags=re.DOTALL)
            assert not command.search(prose), (question.id, command.findall(prose))
