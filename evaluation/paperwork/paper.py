"""A small document (headings, paragraphs, banners, tables, lists) rendered as HTML or Markdown.

Letters (award notices, rejection decisions, the caseworker's checklist) are whole documents;
the evaluation protocol is a list of blocks rendered as an HTML fragment
(:func:`render_blocks`) inside ``report.html``. A heading may carry an ``anchor`` (its id, for
a table of contents); a table may carry a ``css`` class. Letters go to suppliers; every text
in them may come from a supplier (names) or the committee (justifications), so both renderers
escape every string, through
:mod:`evaluation.common.markup`: HTML with :func:`escape_html`, Markdown with
:func:`escape_markdown` (``<``, ``>`` and ``&`` as entities, since Markdown passes raw HTML
through, and Markdown's own punctuation backslash-escaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evaluation.common.markup import escape_html, escape_markdown

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 820px; margin: 2em auto;
       padding: 0 1em; line-height: 1.45; color: #1a1a1a; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.6em 0 1em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f7; }
.banner { border-left: 5px solid #b00020; background: #fdecee; padding: 0.6em 1em; margin: 1em 0; }
.note { border-left: 5px solid #1f4e79; background: #eef3f8; padding: 0.6em 1em; margin: 1em 0; }
.small { font-size: 0.85em; color: #555; }
@media print { .banner, .note { break-inside: avoid; } tr { break-inside: avoid; } }
"""


@dataclass(frozen=True)
class Block:
    """One element of a document: ``kind`` is h1–h3, p, strong, small, banner, note, table,
    list or contents (``rows`` of ``(anchor, title)``: links to the headings of a page)."""

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    anchor: str = ""
    css: str = ""


@dataclass
class Document:
    """An ordered list of blocks with a title and a language (``nb`` or ``en``)."""

    title: str
    language: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, kind: str, text: str = "", anchor: str = "") -> None:
        self.blocks.append(Block(kind, text, anchor=anchor))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], css: str = "") -> None:
        self.blocks.append(Block("table", header=tuple(header),
                                 rows=tuple(tuple(r) for r in rows), css=css))

    def bullets(self, items: Sequence[str]) -> None:
        if items:
            self.blocks.append(Block("list", rows=tuple((i,) for i in items)))


def _attributes(block: Block, css: str = "") -> str:
    e = escape_html
    classes = " ".join(c for c in (css, block.css) if c)
    return ((f' id="{e(block.anchor)}"' if block.anchor else "") +
            (f' class="{e(classes)}"' if classes else ""))


def render_blocks(blocks: Sequence[Block]) -> str:
    """Return the blocks as an HTML fragment; every string is escaped."""
    e = escape_html
    body = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            body.append(f"<{b.kind}{_attributes(b)}>{e(b.text)}</{b.kind}>")
        elif b.kind == "p":
            body.append(f"<p{_attributes(b)}>{e(b.text)}</p>")
        elif b.kind == "strong":
            body.append(f"<p{_attributes(b)}><strong>{e(b.text)}</strong></p>")
        elif b.kind == "small":
            body.append(f'<p{_attributes(b, "small")}>{e(b.text)}</p>')
        elif b.kind in ("banner", "note"):
            body.append(f'<div{_attributes(b, b.kind)} role="note">{e(b.text)}</div>')
        elif b.kind == "list":
            body.append("<ul>" + "".join(f"<li>{e(r[0])}</li>" for r in b.rows) + "</ul>")
        elif b.kind == "contents":
            body.append(f"<ol{_attributes(b)}>" + "".join(
                f'<li><a href="#{e(anchor)}">{e(title)}</a></li>' for anchor, title in b.rows)
                + "</ol>")
        elif b.kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>"
                           for r in b.rows)
            body.append(f"<table{_attributes(b)}><thead><tr>{head}</tr></thead>"
                        f"<tbody>{rows}</tbody></table>")
    return "\n".join(body)


def render_html(doc: Document) -> str:
    """Return ``doc`` as a standalone HTML page; every string is escaped."""
    e = escape_html
    return (f'<!DOCTYPE html>\n<html lang="{"en" if doc.language == "en" else "nb"}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{e(doc.title)}</title>\n<style>{CSS}</style>\n'
            "</head>\n<body>\n" + render_blocks(doc.blocks) + "\n</body>\n</html>\n")


def render_markdown(doc: Document) -> str:
    """Return ``doc`` as Markdown; every string is escaped."""
    m = escape_markdown
    out: list[str] = []
    for b in doc.blocks:
        if b.kind in ("h1", "h2", "h3"):
            out.append("#" * int(b.kind[1]) + " " + m(b.text))
        elif b.kind == "p":
            out.append(m(b.text))
        elif b.kind == "strong":
            out.append(f"**{m(b.text)}**")
        elif b.kind == "small":
            out.append(f"_{m(b.text)}_")
        elif b.kind in ("banner", "note"):
            out.append("> " + ("**" + m(b.text) + "**" if b.kind == "banner" else m(b.text)))
        elif b.kind == "list":
            out.append("\n".join(f"- {m(r[0])}" for r in b.rows))
        elif b.kind == "contents":
            out.append("\n".join(f"{k}. {m(r[1], block_start=False)}"
                                  for k, r in enumerate(b.rows, start=1)))
        elif b.kind == "table":
            lines = ["| " + " | ".join(m(h, block_start=False) for h in b.header) + " |",
                     "|" + "---|" * len(b.header)]
            lines += ["| " + " | ".join(m(c, block_start=False) for c in r) + " |"
                      for r in b.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"
