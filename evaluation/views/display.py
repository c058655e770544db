"""Displays prose, tables, figures and the result payload from notebooks.

Batch notebooks draw figures as the ``plotly_mimetype`` renderer does (one
``application/vnd.plotly.v1+json`` bundle), without importing plotly's renderer machinery,
which pulls in nbformat and jsonschema (about a second per kernel).

Text from input files reaches HTML here too: table cells and headers are escaped, and the
labels of every figure (plotly.js renders ``<b>``, ``<a href>`` and entities in titles, names,
hover texts and category labels) have ``&``, ``<`` and ``>`` escaped, so a supplier name
reads as typed. Markdown prose is escaped by the views that interpolate data into it
(:func:`evaluation.common.markup.escape_markdown`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from evaluation.common.cell_tags import CONFIDENTIAL
from evaluation.common.labels import format_number, yes_no
from evaluation.common.markup import escape_markdown, escape_text
from evaluation.common.payload import PAYLOAD_SCHEMA, PLOTLY_MIMETYPE, RESULT_MIMETYPE


def _display(bundle: Mapping[str, Any], metadata: Mapping[str, Any] | None = None) -> None:
    from IPython.display import display

    display(dict(bundle), raw=True, metadata=dict(metadata) if metadata else None)


def inline(text: object) -> str:
    """Return text from an input file (a title, a name, an id) as Markdown text within a
    line: shown as typed, never markup."""
    return escape_markdown(text, block_start=False)


def show_markdown(text: str) -> None:
    """Display Markdown prose."""
    _display({"text/markdown": text, "text/plain": text})


def figure_bundle(figure: Any) -> dict[str, Any]:
    """Return the mime bundle the ``plotly_mimetype`` renderer would produce for ``figure``
    (a plotly.js specification dict, or a plotly figure object)."""
    if not isinstance(figure, dict):
        from plotly.io.json import to_json_plotly

        figure = json.loads(to_json_plotly(figure.to_plotly_json()))
    # escaped before the JSON round trip, which would turn the labels' own markup (marked
    # by label_lines: the <br> of a wrapped name) into plain text
    escaped = {**figure, "data": [{k: _escape_strings(v) if k in _TRACE_TEXT else
                                   _escape_titles(v) for k, v in trace.items()}
                                  for trace in figure.get("data", [])],
               "layout": _escape_titles(figure.get("layout", {}))}
    spec = json.loads(json.dumps(escaped, allow_nan=False))
    spec.setdefault("config", {})
    spec["config"].update({"displaylogo": False, "responsive": True})
    return {PLOTLY_MIMETYPE: spec, "text/plain": "<plotly figure>"}


# What plotly.js renders as (pseudo-)HTML: trace names, texts and category labels, titles,
# tick texts and annotations. Templates (hovertemplate, texttemplate) are the package's own.
_TRACE_TEXT = ("name", "text", "hovertext", "x", "y", "labels", "legendgrouptitle")


def _escape_strings(value: Any) -> Any:
    """Return ``value`` (a text, a list of texts, or ``{"text": …}``) with ``&<>`` escaped."""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, list):
        return [_escape_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape_strings(v) if k == "text" else v for k, v in value.items()}
    return value


def _escape_titles(value: Any) -> Any:
    """Return ``value`` with every title, tick text and annotation text in it escaped."""
    if isinstance(value, list):
        return [_escape_titles(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: _escape_strings(v) if k in ("title", "ticktext", "text") else _escape_titles(v)
            for k, v in value.items()}


def show_figure(figure: Any) -> None:
    """Display a plotly figure as a static mime bundle (no widget, works in batch runs)."""
    _display(figure_bundle(figure))


def style_table(frame: pd.DataFrame, language: str, *, decimals: int = 2,
                formats: Mapping[str, Callable[[Any], str]] | None = None,
                uuid: str = "t") -> Any:
    """Return a pandas Styler with language-aware number formats and a fixed table id."""
    def number(value: Any) -> str:
        if isinstance(value, bool) or value is None:
            return "" if value is None else yes_no(value, language)
        if isinstance(value, int | float):
            return format_number(float(value), language, decimals)
        return str(value)

    # escape: supplier names and committee text are data, never markup
    styler = frame.style.format(number, na_rep="–", escape="html")
    for column, fmt in (formats or {}).items():
        if column in frame.columns:
            styler = styler.format(fmt, subset=[column], na_rep="–", escape="html")
    styler = styler.format_index(escape="html", axis=1)  # headers: criterion titles, names
    styler = styler.set_uuid(uuid).hide(axis="index")
    return styler.set_table_attributes('class="evaluation-table"')


def show_table(frame: pd.DataFrame, language: str, *, confidential: bool = False,
               **kwargs: Any) -> None:
    """Display a formatted table (HTML, with a plain-text fallback); ``confidential``: it
    quotes justifications, and the public report leaves it out
    (:mod:`evaluation.common.cell_tags`)."""
    styler = style_table(frame, language, **kwargs)
    _display({"text/html": styler.to_html(), "text/plain": frame.to_string(index=False)},
             CONFIDENTIAL if confidential else None)


def publish_result(notebook: str, parameters: Mapping[str, Any],
                   results: Mapping[str, Any]) -> None:
    """Display the notebook's result payload, which the launcher and the audit extract."""
    from evaluation.common.payload import clean

    payload = {"schema_version": PAYLOAD_SCHEMA, "notebook": notebook,
               "parameters": dict(parameters), "results": clean(dict(results))}
    _display({RESULT_MIMETYPE: payload,
              "text/plain": f"result payload of {notebook} ({len(json.dumps(payload))} bytes)"})
