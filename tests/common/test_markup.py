"""Tests for evaluation.common.markup: HTML, Markdown and <script> JSON boundaries."""

from __future__ import annotations

import json

import pytest

from evaluation.common.markup import (
    escape_html,
    escape_markdown,
    escape_text,
    markdown_code,
    script_json,
)

PAYLOAD = "</script><svg onload=alert(1)>\u2028\u2029 & \"q\" 'a'"


def test_html_escapes_every_character_that_is_markup_in_an_element_or_attribute():
    assert "&lt;/script&gt;&lt;svg onload=alert(1)&gt;\u2028\u2029 &amp; &#34;q&#34; &#39;a&#39;" \
        == escape_html(PAYLOAD)
    assert "&lt;b&gt; &amp; \"q\" 'a'" == escape_text("<b> & \"q\" 'a'")


@pytest.mark.parametrize("value", [PAYLOAD, {"title": PAYLOAD, "x": [1.5, None, PAYLOAD]},
                                   ["<!--", "]]>", "\u2028"]])
def test_script_json_never_ends_its_script_and_reads_back_the_same(value):
    text = script_json(value)
    assert not any(c in text for c in "<>&\u2028\u2029")
    assert value == json.loads(text)


def test_markdown_has_no_html_no_links_and_stays_on_one_line():
    assert r"&lt;img src=x&gt; \[a\](javascript:x) \*b\* \`c\` line two" == escape_markdown(
        "<img src=x> [a](javascript:x) *b* `c`\nline two")
    assert "1\u00a0234 kr" == escape_markdown("1\u00a0234 kr")  # a no-break space stays


@pytest.mark.parametrize(("text", "span"), [("1000-bygg", "`1000-bygg`"),
                                            ("a`b", "``a`b``"), ("`x", "`` `x ``")])
def test_a_code_span_holds_any_text(text, span):
    assert span == markdown_code(text)
