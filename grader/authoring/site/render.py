"""Lesson markdown to HTML: markdown-it-py (CommonMark and tables) with Pygments for the code,
and TeX formulas (`$...$` inline, `$$...$$` on their own lines; mdit-py-plugins' dollarmath)
turned into MathML at build time by latex2mathml, so the browser typesets them with no script.

Raw HTML in a lesson is shown as text, never passed through. Links and images are resolved
against the lesson file on disk:
- an image must be a file under `lessons/` and must have alt text; it is copied to the same place
  in the site;
- a link to another lesson's markdown becomes a link to its page (the #fragment kept);
- a link to a web address stays as it is; a relative link to anything else (a script of the
  repository, say) has no page in the site, so its text stays and the link goes.

- "lesson 2.2" (or "lessons 1.3 and 1.4") in the text links to that lesson's page;
- in a "Going further" section, a paper the text names (PAPERS) links to its arXiv or DOI page.

Each page's h2 and h3 headings make its outline (`Rendered.outline`).

The lesson's "Your turn" heading gets the card that names the stub file and the check command,
derived from the manifest (a lesson without that heading gets the heading and the card at the
end).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

YOUR_TURN = "your turn"
GOING_FURTHER = "going further"

# Papers and essays the lessons name in "Going further", as the text names them (a regular
# expression, matched in the text of one list item), with the address of the paper itself.
PAPERS: tuple[tuple[str, str], ...] = (
    (
        r"The Absolute Minimum Every Software Developer",
        "https://www.joelonsoftware.com/2003/10/08/the-absolute-minimum-every-software-developer-absolutely-positively-must-know-about-unicode-and-character-sets-no-excuses/",
    ),
    (r"Bavarian et al\.", "https://arxiv.org/abs/2207.14255"),
    (r"Improving Distributional Similarity", "https://doi.org/10.1162/tacl_a_00134"),
    (r"Attention Is All You Need", "https://arxiv.org/abs/1706.03762"),
    (r"Haviv et al\.", "https://arxiv.org/abs/2203.16634"),
    (r"RoFormer", "https://arxiv.org/abs/2104.09864"),
    (
        r"A Mathematical Framework for Transformer Circuits",
        "https://transformer-circuits.pub/2021/framework/index.html",
    ),
    (r"Holtzman et al\.", "https://arxiv.org/abs/1904.09751"),
    (r"The Curious Case of Neural Text Degeneration", "https://arxiv.org/abs/1904.09751"),
    (r"FlashAttention", "https://arxiv.org/abs/2205.14135"),
    (r"PagedAttention", "https://arxiv.org/abs/2309.06180"),
    (r"Mistral 7B", "https://arxiv.org/abs/2310.06825"),
    (r"Root Mean Square Layer Normalization", "https://arxiv.org/abs/1910.07467"),
    (r"GLU Variants Improve Transformer", "https://arxiv.org/abs/2002.05202"),
    (r"GQA", "https://arxiv.org/abs/2305.13245"),
    (r"PaLM", "https://arxiv.org/abs/2204.02311"),
    (r"Speculative decoding", "https://arxiv.org/abs/2211.17192"),
    (r"Min-p", "https://arxiv.org/abs/2407.01082"),
)
_SPACE = r"\s+"  # a title may break over two lines of the source
_PAPER = re.compile("|".join("(?:" + pattern.replace(" ", _SPACE) + ")" for pattern, _ in PAPERS))
# "lesson 2.2", "lessons 1.3 and 1.4", "lessons 1.3, 1.4 and 1.5": each number becomes a link.
_XREF = re.compile(r"\b[Ll]essons?\s(\d+\.\d+)((?:(?:,\s|\sand\s|\sor\s)\d+\.\d+)*)")
_NUMBER = re.compile(r"\d+\.\d+")


def code_html(code: str, lang: str) -> str:
    """A highlighted code block with its copy button."""
    try:
        lexer = get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    body = highlight(code, lexer, HtmlFormatter(nowrap=True))
    kind = "output" if lang == "text" else "source"  # ```text blocks show what code prints
    label = "Copy the output" if kind == "output" else "Copy the code"
    lang_class = f' class="language-{lang}"' if lang else ""
    return (
        f'<div class="code {kind}">'
        f'<button type="button" class="copy" aria-label="{label}">Copy</button>'
        f'<pre class="highlight" tabindex="0"><code{lang_class}>{body}</code></pre>'
        "</div>\n"
    )


def _fence(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    info = token.info.strip().split()
    return code_html(token.content, info[0].lower() if info else "")


def _table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # A wide table scrolls inside its own box on a narrow screen, never the page.
    return '<div class="table" tabindex="0">' + self.renderToken(tokens, idx, options, env)


def _table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _th(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # A header cell with nothing in it (the corner of a table whose rows are named) heads
    # nothing: it is an ordinary cell.
    token = tokens[idx]
    opening = token.nesting == 1
    inline = tokens[idx + 1] if opening else tokens[idx - 1]
    if inline.type == "inline" and not inline.content.strip():
        return "<td>" if opening else "</td>"
    return self.renderToken(tokens, idx, options, env)


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    token.attrSet("alt", self.renderInlineAsText(token.children or [], options, env))
    token.attrSet("loading", "lazy")
    return self.renderToken(tokens, idx, options, env)


_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")


class TexError(ValueError):
    """A formula latex2mathml cannot read."""


def tex_html(tex: str, display: bool = False) -> str:
    """A TeX formula as MathML, which browsers typeset (display: centred on a line of its own,
    in a box that scrolls sideways, never the page, when it is wider than a phone). Raises
    TexError for a formula latex2mathml cannot read or a command it does not know."""
    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds for a malformed formula
        raise TexError(
            f"the formula ${tex.strip()}$ is not TeX that latex2mathml reads "
            f"({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})"
        ) from None
    unknown = _UNKNOWN_COMMAND.search(mathml)  # latex2mathml prints a command it does not know
    if unknown:
        raise TexError(
            f"the formula ${tex.strip()}$ uses {unknown.group(1)}, which latex2mathml lacks"
        )
    if display:
        return f'<div class="math-block" tabindex="0">{mathml}</div>\n'
    return mathml


def _math(content: str, options: dict[str, Any]) -> str:
    try:
        return tex_html(content, bool(options.get("display_mode")))
    except TexError:  # reported by render_lesson; shown as its source meanwhile
        return f"<code>{html.escape(content)}</code>"


def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    # $...$ must hug its formula ("$x$", not "$ x $") and not follow a digit: "$5 and $10" stay
    # prices. $$...$$ on lines of its own is a displayed formula.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, renderer=_math)
    md.use(anchors_plugin, min_level=2, max_level=4, permalink=False)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _fence)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    md.add_render_rule("image", _image)
    md.add_render_rule("th_open", _th)
    md.add_render_rule("th_close", _th)
    return md


_INLINE_CODE = MarkdownIt("zero").enable("backticks")


def inline_code(text: str) -> str:
    """Quiz text as `hexahype quiz` shows it: `code` spans marked, everything else plain text."""
    return str(_INLINE_CODE.renderInline(text))


@dataclass
class Linker:
    """Where a lesson's links and images go in the site."""

    lessons_root: Path  # the course's lessons/ folder: the site root mirrors it
    pages: dict[Path, str]  # lesson source file -> page path in the site
    ids: dict[str, str] = field(default_factory=dict)  # lesson id -> page path, for "lesson 2.2"
    assets: dict[str, Path] = field(default_factory=dict)  # site path -> file to copy

    def site_path(self, file: Path) -> str | None:
        try:
            return file.resolve().relative_to(self.lessons_root.resolve()).as_posix()
        except ValueError:
            return None


@dataclass(frozen=True)
class Heading:
    level: int  # 2 or 3
    id: str
    text: str


@dataclass
class Rendered:
    html: str
    figures: list[str]  # site paths of the images the page shows
    problems: list[str]
    outline: list[Heading] = field(default_factory=list)  # the h2 and h3 headings, in order


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme or parts.netloc)


def _rewrite_inline(
    children: list[Token], source: Path, page: str, linker: Linker, out: Rendered
) -> list[Token]:
    here = posixpath.dirname(page)
    kept: list[Token] = []
    drop_close = False
    for tok in children:
        if tok.type == "image":
            src = str(tok.attrGet("src") or "")
            if not tok.content.strip():
                out.problems.append(f"the image {src} has no alt text")
            if _is_external(src):
                out.problems.append(f"the image {src} is not a file of the course")
                continue
            file = (source.parent / unquote(urlsplit(src).path)).resolve()
            target = linker.site_path(file)
            if target is None or not file.is_file():
                out.problems.append(f"the image {src} is not a file under lessons/")
                continue
            linker.assets[target] = file
            out.figures.append(target)
            tok.attrSet("src", posixpath.relpath(target, here))
        elif tok.type == "link_open":
            href = str(tok.attrGet("href") or "")
            if href.startswith("#") or _is_external(href):
                kept.append(tok)
                continue
            parts = urlsplit(href)
            file = (source.parent / unquote(parts.path)).resolve()
            target = linker.pages.get(file)
            if target is None:
                drop_close = True  # no page for it in the site: keep the text only
                continue
            url = posixpath.relpath(target, here) + (f"#{parts.fragment}" if parts.fragment else "")
            tok.attrSet("href", url)
        elif tok.type == "link_close" and drop_close:
            drop_close = False
            continue
        kept.append(tok)
    return kept


def _link(href: str, text: str, cls: str = "") -> list[Token]:
    start = Token("link_open", "a", 1)
    start.attrSet("href", href)
    if cls:
        start.attrSet("class", cls)
    body = Token("text", "", 0)
    body.content = text
    return [start, body, Token("link_close", "a", -1)]


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def _split(
    tok: Token, pattern: re.Pattern[str], link: Callable[[re.Match[str]], list[Token]]
) -> list[Token]:
    """A text token cut at every match of `pattern`, each match replaced by `link(match)`."""
    out: list[Token] = []
    at = 0
    for m in pattern.finditer(tok.content):
        made = link(m)
        if not made:
            continue
        if m.start() > at:
            out.append(_text(tok.content[at : m.start()]))
        out += made
        at = m.end()
    if not out:
        return [tok]
    if at < len(tok.content):
        out.append(_text(tok.content[at:]))
    return out


def _join_lines(children: list[Token]) -> list[Token]:
    """Text broken over source lines as one text token (a soft break renders as a newline
    either way), so that a title or "lesson\n2.2" split by the line end still matches."""
    out: list[Token] = []
    for tok in children:
        prev = out[-1] if out else None
        if prev is not None and prev.type == "text" and tok.type in ("softbreak", "text"):
            joined = _text(prev.content + ("\n" if tok.type == "softbreak" else tok.content))
            out[-1] = joined
        else:
            out.append(tok)
    return out


def _link_words(children: list[Token], page: str, linker: Linker, papers: bool) -> list[Token]:
    """Cross-references ("lesson 2.2") and, where `papers`, the papers named, as links. Text that
    is already a link, or code, is left alone."""
    here = posixpath.dirname(page)

    def xref(m: re.Match[str]) -> list[Token]:
        out: list[Token] = []
        at = m.start()
        for i, n in enumerate(_NUMBER.finditer(m.group(0), 0)):
            # "lesson 2.2" is one link; in "lessons 1.3 and 1.4" the second is its number alone
            start = m.start() + (0 if i == 0 else n.start())
            end = m.start() + n.end()
            target = linker.ids.get(n.group(0))
            if target is None or target == page:
                continue
            if start > at:
                out.append(_text(m.string[at:start]))
            out += _link(posixpath.relpath(target, here), m.string[start:end], "xref")
            at = end
        if not out:
            return []
        if at < m.end():
            out.append(_text(m.string[at : m.end()]))
        return out

    seen: set[str] = set()  # each paper linked once per paragraph

    def paper(m: re.Match[str]) -> list[Token]:
        for pattern, url in PAPERS:
            if re.fullmatch(pattern.replace(" ", _SPACE), m.group(0)) and url not in seen:
                seen.add(url)
                return _link(url, m.group(0), "paper")
        return []

    out: list[Token] = []
    depth = 0
    for tok in _join_lines(children):
        if tok.type == "link_open":
            depth += 1
        elif tok.type == "link_close":
            depth -= 1
        if tok.type != "text" or depth:
            out.append(tok)
            continue
        parts = _split(tok, _XREF, xref)
        if papers:
            parts = [
                p
                for part in parts
                for p in (_split(part, _PAPER, paper) if part.type == "text" else [part])
            ]
        out += parts
    return out


def _heading_text(tokens: list[Token], i: int) -> str:
    return tokens[i + 1].content.strip() if i + 1 < len(tokens) else ""


def _html_token(html: str) -> Token:
    tok = Token("html_block", "", 0)
    tok.content = html
    tok.block = True
    return tok


def render_lesson(
    text: str,
    source: Path,
    page: str,
    linker: Linker,
    your_turn: Callable[[], str],
    md: MarkdownIt | None = None,
) -> Rendered:
    """The page body of one lesson. Problems (a figure without alt text or file) are returned,
    for the builder to refuse."""
    md = md or markdown()
    out = Rendered(html="", figures=[], problems=[])
    tokens = md.parse(text, {})
    section = ""
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            title = _heading_text(tokens, i)
            if tok.tag == "h2":
                section = title.lower()
            if tok.tag in ("h2", "h3"):
                out.outline.append(Heading(int(tok.tag[1]), str(tok.attrGet("id") or ""), title))
            continue
        if tok.type in ("math_inline", "math_block") or (tok.type == "inline" and tok.children):
            for math in [tok] if tok.type == "math_block" else (tok.children or []):
                if math.type.startswith("math_"):
                    try:
                        tex_html(math.content)
                    except TexError as exc:
                        out.problems.append(str(exc))
        if tok.type == "inline" and tok.children and tokens[i - 1].type != "heading_open":
            tok.children = _rewrite_inline(tok.children, source, page, linker, out)
            tok.children = _link_words(tok.children, page, linker, section == GOING_FURTHER)
        elif tok.type == "inline" and tok.children:
            tok.children = _rewrite_inline(tok.children, source, page, linker, out)
    card = your_turn()
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and _heading_text(tokens, i).lower() == YOUR_TURN:
            tokens.insert(i + 3, _html_token(card))  # after heading_open, inline, heading_close
            break
    else:
        tokens.append(_html_token(f'<h2 id="your-turn">Your turn</h2>\n{card}'))
    out.html = md.renderer.render(tokens, md.options, {})
    return out


# Pygments' "xcode" colours all reach WCAG AA (4.5:1) on the site's light code background; the
# default style's purples and olive do not quite. "github-dark" does on the dark one.
PYGMENTS_STYLE = "xcode"
PYGMENTS_DARK_STYLE = "github-dark"
DARK = '[data-theme="dark"]'


def pygments_css() -> str:
    """The highlighting colours of both themes (the dark ones under [data-theme="dark"]); the
    code background is the site's own (--code-bg), not the style's."""
    light = HtmlFormatter(style=PYGMENTS_STYLE).get_style_defs(".highlight")  # type: ignore[no-untyped-call]  # stubs
    dark = HtmlFormatter(style=PYGMENTS_DARK_STYLE).get_style_defs(f"{DARK} .highlight")  # type: ignore[no-untyped-call]  # stubs
    lines = [line for line in str(dark).splitlines() if line.startswith(DARK)]
    lines = [re.sub(r"background: #[0-9a-fA-F]+; ", "", line) for line in lines]
    return str(light) + "\n" + "\n".join(lines)
