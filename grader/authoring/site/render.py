"""Lesson markdown to HTML: markdown-it-py (CommonMark and tables) with Pygments for the code.

Raw HTML in a lesson is shown as text, never passed through. Links and images are resolved
against the lesson file on disk:
- an image must be a file under `lessons/` and must have alt text; it is copied to the same place
  in the site;
- a link to another lesson's markdown becomes a link to its page (the #fragment kept);
- a link to a web address stays as it is; a relative link to anything else (a script of the
  repository, say) has no page in the site, so its text stays and the link goes.

The lesson's "Your turn" heading gets the card that names the stub file and the check command,
derived from the manifest (a lesson without that heading gets the heading and the card at the
end).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

YOUR_TURN = "your turn"


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


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    token.attrSet("alt", self.renderInlineAsText(token.children or [], options, env))
    token.attrSet("loading", "lazy")
    return self.renderToken(tokens, idx, options, env)


def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(anchors_plugin, min_level=2, max_level=4, permalink=False)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _fence)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    md.add_render_rule("image", _image)
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
    assets: dict[str, Path] = field(default_factory=dict)  # site path -> file to copy

    def site_path(self, file: Path) -> str | None:
        try:
            return file.resolve().relative_to(self.lessons_root.resolve()).as_posix()
        except ValueError:
            return None


@dataclass
class Rendered:
    html: str
    figures: list[str]  # site paths of the images the page shows
    problems: list[str]


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
    for tok in tokens:
        if tok.type == "inline" and tok.children:
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
# default style's purples and olive do not quite.
PYGMENTS_STYLE = "xcode"


def pygments_css() -> str:
    """The highlighting colours."""
    formatter = HtmlFormatter(style=PYGMENTS_STYLE)
    return str(formatter.get_style_defs(".highlight"))  # type: ignore[no-untyped-call]  # stubs
