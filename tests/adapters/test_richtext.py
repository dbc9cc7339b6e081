"""Bank Markdown (code blocks, inline code, bold, headings) reaches each platform as its own
markup, with everything else still escaped."""

from __future__ import annotations

from bot.adapters import richtext
from bot.adapters.discord.limits import EMBED_DESCRIPTION, fit_text
from bot.adapters.discord.render import bank_markdown
from bot.adapters.telegram.render import bank_html
from bot.adapters.telegram.split import split_html

ANSWER = """Use **gradient clipping** and `torch.nn.utils.clip_grad_norm_`:

### **Example**

```python
if norm > 1 and a < b:
    scale = 28 * 28
```
Then `x * y` stays a product: 2 * 3 * 4."""


def test_parse_reads_fences_headings_bold_and_code() -> None:
    blocks = richtext.parse(ANSWER)
    code = [b for b in blocks if isinstance(b, richtext.CodeBlock)]
    assert code == [richtext.CodeBlock("python", "if norm > 1 and a < b:\n    scale = 28 * 28")]
    headings = [b for b in blocks if isinstance(b, richtext.Line) and b.heading]
    assert [s.text for s in headings[0].spans] == ["Example"]
    first = blocks[0]
    assert isinstance(first, richtext.Line)
    assert [(s.kind, s.text) for s in first.spans] == [
        ("text", "Use "),
        ("bold", "gradient clipping"),
        ("text", " and "),
        ("code", "torch.nn.utils.clip_grad_norm_"),
        ("text", ":"),
    ]


def test_an_unclosed_fence_keeps_its_code() -> None:
    [block] = richtext.parse("```\nprint(1)")
    assert block == richtext.CodeBlock("", "print(1)")
    assert richtext.plain_text("**bold** and `code`") == "bold and code"


def test_telegram_gets_pre_code_and_bold_with_the_code_escaped() -> None:
    html = bank_html(ANSWER)
    assert '<pre><code class="language-python">if norm &gt; 1 and a &lt; b:' in html
    assert (
        "<b>gradient clipping</b>" in html and "<code>torch.nn.utils.clip_grad_norm_</code>" in html
    )
    assert "<b>Example</b>" in html and "###" not in html and "```" not in html
    assert "2 * 3 * 4" in html, "a single star is a product, not emphasis"


def test_a_long_code_block_split_for_telegram_stays_code_in_every_part() -> None:
    code = "\n".join(f"line_{n} = {n} < {n + 1}" for n in range(400))
    parts = split_html(bank_html(f"```python\n{code}\n```"))
    assert len(parts) > 1
    for part in parts:
        assert part.startswith("<pre><code") and part.endswith("</code></pre>")


def test_discord_keeps_code_blocks_and_escapes_the_rest() -> None:
    text = bank_markdown(ANSWER)
    assert "```python\nif norm > 1 and a < b:\n    scale = 28 * 28\n```" in text
    assert "**gradient clipping**" in text and "`torch.nn.utils.clip_grad_norm_`" in text
    assert "**Example**" in text and "###" not in text
    assert "2 \\* 3 \\* 4" in text, "outside code a star is shown, not emphasis"


def test_discord_clipping_inside_a_code_block_closes_it() -> None:
    long = bank_markdown("```\n" + "x = 1\n" * 2000 + "```")
    fitted = fit_text(long, EMBED_DESCRIPTION)
    assert len(fitted) <= EMBED_DESCRIPTION
    assert fitted.count("```") % 2 == 0 and fitted.endswith("```")
