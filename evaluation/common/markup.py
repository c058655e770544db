"""Text from input files into HTML, Markdown and ``<script>`` JSON: each boundary escaped here.

Supplier names, titles, justifications and notice texts are typed by people outside the
package; in ``report.html``, ``model_test.html``, a notice or the dashboard they must read as
text, never run as markup. HTML goes through MarkupSafe (:func:`escape_html`), Markdown
through :func:`escape_markdown` (Markdown passes raw HTML through, and has links of its
own), and JSON inside a ``<script>`` element through :func:`script_json` (a ``</script>`` in a
title would end the element).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^([-+#]|\d+(?=[.)]))")
# Line breaks (and runs of blanks) become one space; a no-break space in "1 234 kr" stays.
_MD_BREAKS = re.compile("[ \t\r\n\f\v\x85\u2028\u2029]+")
# In a <script> element: no "</script>", "<!--" or "]]>", and no line terminators that
# JavaScript reads as the end of a line inside a string (U+2028, U+2029).
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                  "\u2029": "\\u2029"}
_SCRIPT_RE = re.compile("[<>&\u2028\u2029]")


def escape_html(value: object) -> str:
    """Return ``value`` as HTML text, safe in an element and in a quoted attribute: ``&``,
    ``<``, ``>``, ``"`` and ``'`` escaped (MarkupSafe)."""
    return str(escape(value))


def escape_text(value: object) -> str:
    """Return ``value`` with ``&``, ``<`` and ``>`` escaped and quotes kept: for text that is
    never inside an attribute and whose reader decodes entities (Markdown, plotly labels)."""
    return escape_html(value).replace("&#34;", '"').replace("&#39;", "'")


def label_lines(lines: Iterable[object], *, bold_first: bool = False) -> Markup:
    """Return lines of text as one plotly label: each line escaped, joined by ``<br>`` (the
    first in ``<b>`` when ``bold_first``), marked as markup so that the escaping of every
    figure label (:func:`escape_text`) keeps these tags and only these."""
    parts = [escape(line) for line in lines]
    if bold_first and parts:
        parts[0] = Markup("<b>{}</b>").format(parts[0])
    return Markup("<br>").join(parts)


def escape_markdown(text: object, *, block_start: bool = True) -> str:
    """Return ``text`` safe as Markdown inline text: no HTML, no markup, one line.

    ``block_start``: the text begins a line, where ``-``, ``+``, ``#`` and ``1.`` are markers
    (``>`` is already ``&gt;``).
    """
    out = _MD_SPECIAL.sub(r"\\\1", _MD_BREAKS.sub(" ", escape_text(text)).strip(" "))
    if not block_start:
        return out
    # A leading list or heading marker is escaped; an ordered-list "12." becomes "12\.".
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit()
                              else "\\" + m.group(1), out)


def markdown_code(text: object) -> str:
    """Return ``text`` as a Markdown code span: shown exactly as typed (a code span's content is
    never markup), in a fence of more backticks than any run inside it."""
    flat = _MD_BREAKS.sub(" ", str(text)).strip(" ")
    fence = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def css_string(value: object) -> str:
    """Return ``value`` as a quoted CSS string, safe inside a ``<style>`` element: quotes,
    backslashes, line breaks and ``<``, ``>``, ``&`` as CSS escapes (``\\3c `` …)."""
    out = "".join(c if c.isprintable() and c not in '"\\<>&' else f"\\{ord(c):x} "
                  for c in str(value))
    return f'"{out}"'


def script_json(value: Any) -> str:
    """Return ``value`` as compact JSON safe inside a ``<script>`` element (``<``, ``>``,
    ``&``, U+2028 and U+2029 as ``\\u`` escapes, which JSON and JavaScript read back alike)."""
    text = json.dumps(value, separators=(",", ":"))
    return _SCRIPT_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group(0)], text)
