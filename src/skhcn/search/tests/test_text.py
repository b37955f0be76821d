"""Unit tests of the text side: tokens, query parsing, plain text of the body, highlighting."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wagtail.rich_text import RichText

from skhcn.search.text import (
    find_matches,
    fold_with_map,
    highlight,
    html_to_text,
    index_text,
    parse_query,
    snippet,
    streamfield_text,
)

TITLE = "Đẩy mạnh phong trào thi đua “Dân vận khéo”"


def test_index_text_folds_and_keeps_only_word_tokens():
    assert index_text(TITLE) == "day manh phong trao thi dua dan van kheo"
    assert index_text("ĐƯỜNG_ống, v1.2 & e-mail: a@b.vn") == "duong ong v1 2 e mail a b vn"


@pytest.mark.parametrize(
    ("raw", "fts5", "tsquery"),
    [
        ("Dân vận khéo", '"dan" "van" "kheo"*', "'dan' & 'van' & 'kheo':*"),
        ('"NEAR(a b)" OR -cd*', '"near" "a" "b" "or" "cd"*', "'near' & 'a' & 'b' & 'or' & 'cd':*"),
        ("title:x' AND yz\\", '"title" "x" "and" "yz"*', "'title' & 'x' & 'and' & 'yz':*"),
        ("an an", '"an"', "'an'"),
        ("Cao k", '"cao" "k"', "'cao' & 'k'"),  # a one-letter last word is a word, not a prefix
        ("***", "", ""),
    ],
)
def test_queries_are_rebuilt_from_tokens_only(raw, fts5, tsquery):
    parsed = parse_query(raw)
    assert parsed.fts5() == fts5
    assert parsed.tsquery() == tsquery
    assert bool(parsed) == bool(fts5)


@given(st.text(max_size=300))
def test_no_user_syntax_reaches_the_database(raw):
    parsed = parse_query(raw)
    for word in (*parsed.exact, parsed.prefix):
        assert all(char.isalnum() for char in word)


def test_rich_text_is_stripped_and_captions_quotes_are_kept():
    from skhcn.portal.blocks import ArticleBodyBlock

    body = ArticleBodyBlock().to_python(
        [
            {"type": "paragraph", "value": "<p>Một <b>đoạn</b> &lt;b&gt; văn</p><ul><li>ý 1</li><li>ý 2</li></ul>"},
            {"type": "quote", "value": {"text": "Dân là gốc", "attribution": "Hồ Chí Minh"}},
            {"type": "image", "value": {"image": None, "caption": "Chè xanh Thị Ngân", "alt_text": "chè"}},
        ]
    )
    text = streamfield_text(body)
    assert text.splitlines() == ["Một đoạn <b> văn", "ý 1", "ý 2", "Dân là gốc", "Hồ Chí Minh", "Chè xanh Thị Ngân"]
    assert html_to_text(RichText("<p>a</p><p>b</p>").source) == "a\nb"


@given(st.text(max_size=200))
def test_fold_with_map_points_back_into_the_original(text):
    folded, origin = fold_with_map(text)
    if origin is None:
        assert len(folded) == len(text)
    else:
        assert len(origin) == len(folded)
        assert origin == sorted(origin) and all(0 <= i < len(text) for i in origin)


def test_matches_map_back_to_the_original_text_even_when_decomposed():
    parsed = parse_query("day manh kh")
    text = "Tin: " + TITLE
    spans = [text[start:end] for start, end, _ in find_matches(text, parsed)]
    assert spans == ["Đẩy", "mạnh", "khéo"]
    decomposed = unicodedata.normalize("NFD", text)  # base letters + combining marks: lengths differ
    spans = [decomposed[start:end] for start, end, _ in find_matches(decomposed, parsed)]
    assert [unicodedata.normalize("NFC", span) for span in spans] == ["Đẩy", "mạnh", "khéo"]


def test_only_whole_words_match_except_the_last_one_as_a_prefix():
    text = "van vanh vận khéo kheo2 akheo"
    matches = find_matches(text, parse_query("van kheo"))
    assert [text[start:end] for start, end, _ in matches] == ["van", "vận", "khéo", "kheo2"]
    assert [term for _, _, term in matches] == ["van", "van", "kheo", "kheo"]


def test_highlight_escapes_everything_and_marks_matches():
    html = highlight('Thẻ <b>đậm</b> & "dân" <script>', parse_query("dam dan"))
    assert html == "Thẻ &lt;b&gt;<mark>đậm</mark>&lt;/b&gt; &amp; &quot;<mark>dân</mark>&quot; &lt;script&gt;"


def test_snippet_is_a_window_around_the_matches():
    text = " ".join(["mở đầu"] * 100) + " Đẩy mạnh phong trào " + " ".join(["kết thúc"] * 100)
    html = snippet(text, parse_query("day manh"))
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>Đẩy</mark> <mark>mạnh</mark> phong trào" in html
    assert len(html) < 400
    assert snippet("Ngắn <i>", parse_query("khong co")) == "Ngắn &lt;i&gt;"
    # the window goes to the place where the most different words of the query meet
    text = "dân " + "lấp đầy " * 60 + "vận " + "lấp đầy " * 60 + "dân vận khéo ở cuối " + "lấp đầy " * 60
    html = snippet(text, parse_query("dan van kheo"))
    assert "<mark>dân</mark> <mark>vận</mark> <mark>khéo</mark> ở cuối" in html
    assert html.count("<mark>") == 3
