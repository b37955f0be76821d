"""The synonym table, pure side: expansion both ways, the full-text expressions it gives, the checks of a pair."""

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skhcn.core.text import fold
from skhcn.search.synonyms import EXPANSION_MAX_CHARS, TERM_MAX_CHARS, Group, Table, form_key, synonym_errors
from skhcn.search.text import find_matches, parse_query

PAIRS = [
    ("GCN", "Giấy chứng nhận"),
    ("KH&CN", "Khoa học và Công nghệ"),
    ("KHCN", "Khoa học và Công nghệ"),
    ("SHCN", "Sở hữu công nghiệp"),
    ("NSNN", "Ngân sách nhà nước"),
]
TABLE = Table(PAIRS)


def test_an_abbreviation_expands_to_its_long_form():
    assert TABLE.expand("cấp GCN") == (Group(("cap",)), Group(("gcn",), ("giay chung nhan",)))


@pytest.mark.parametrize("query", ["giấy chứng nhận", "giay chung nhan", "GIẤY CHỨNG NHẬN", "Giấy  chứng nhận,"])
def test_the_long_form_with_or_without_diacritics_expands_to_the_abbreviation(query):
    (group,) = TABLE.expand(query)
    assert group.forms[0] == "gcn"


def test_pairs_sharing_a_form_make_one_set_and_punctuation_does_not_matter():
    (group,) = TABLE.expand("khcn")
    assert set(group.forms) == {"kh&cn", "khoa hoc va cong nghe"}
    (group,) = TABLE.expand("kh&cn")
    assert set(group.forms) == {"khcn", "khoa hoc va cong nghe"}
    (group,) = TABLE.expand("khoa học và công nghệ")
    assert set(group.forms) == {"kh&cn", "khcn"}


def test_the_longest_run_wins_and_other_words_stay_plain():
    groups = TABLE.expand("cap giay chung nhan dang ky hoat dong")
    assert [group.words for group in groups] == [
        ("cap",),
        ("giay", "chung", "nhan"),
        ("dang",),
        ("ky",),
        ("hoat",),
        ("dong",),
    ]
    assert groups[1].forms == ("gcn",)
    assert all(not group.forms for i, group in enumerate(groups) if i != 1)


def test_an_empty_table_changes_nothing():
    assert Table().expand("GCN so huu") == (Group(("gcn",)), Group(("so",)), Group(("huu",)))


WORDS = st.sampled_from(
    ["gcn", "giấy", "chứng", "nhận", "KH&CN", "khcn", "khoa", "học", "và", "công", "nghệ", "sở", "hữu", "x", "&", "1.2"]
)
QUERIES = st.lists(WORDS | st.text(max_size=8), max_size=20).map(" ".join)


@given(QUERIES)
def test_expansion_keeps_every_word_once_in_order(query):
    groups = TABLE.expand(query)
    assert [word for group in groups for word in group.words] == fold(query).split()[:32]
    for group in groups:
        for form in group.forms:  # the other forms of a set are forms of the same set, never the typed words
            assert form != " ".join(group.words)
            assert TABLE.forms[form_key(form)] == TABLE.forms[form_key(" ".join(group.words))]


@given(st.sampled_from(PAIRS))
def test_expansion_works_both_ways(pair):
    term, expansion = pair
    (from_term,) = TABLE.expand(term)
    (from_expansion,) = TABLE.expand(expansion)
    assert fold(expansion) in from_term.forms
    assert fold(term) in from_expansion.forms


@pytest.fixture(scope="module")
def fts():
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE f USING fts5(folded_title, folded_body, prefix='2 3')")
    connection.execute("INSERT INTO f VALUES ('cap gcn dang ky hoat dong to chuc kh cn', '')")
    connection.execute("INSERT INTO f VALUES ('cap giay chung nhan doanh nghiep khoa hoc va cong nghe', '')")
    connection.execute("INSERT INTO f VALUES ('so huu cong nghiep', 'giay phep')")
    return connection


def _found(fts, query: str) -> list[int]:
    expression = parse_query(query, TABLE).fts5()
    return [row[0] for row in fts.execute("SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid", [expression])]


def test_fts5_expression_matches_either_form(fts):
    assert _found(fts, "giấy chứng nhận") == [1, 2]
    assert _found(fts, "GCN") == [1, 2]
    assert _found(fts, "cap gcn dang") == [1]
    assert _found(fts, "KH&CN") == [1, 2]
    assert _found(fts, "khoa hoc va cong nghe doanh") == [2]
    assert _found(fts, "SHCN") == [3]


@given(QUERIES)
def test_fts5_expression_is_always_valid(query):
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE f USING fts5(folded_title, folded_body)")
    parsed = parse_query(query, TABLE)
    if parsed:
        connection.execute("SELECT rowid FROM f WHERE f MATCH ?", [parsed.fts5()]).fetchall()
        connection.execute("SELECT rowid FROM f WHERE f MATCH ?", [f"folded_title : ({parsed.fts5()})"]).fetchall()


def test_tsquery_expression():
    assert parse_query("cấp gcn", TABLE).tsquery() == "'cap' & ('gcn' | 'giay' <-> 'chung' <-> 'nhan')"
    assert parse_query("giay chung nhan doa", TABLE).tsquery() == ("(('giay' & 'chung' & 'nhan') | 'gcn') & 'doa':*")


def test_tsquery_of_the_title_only():
    assert parse_query("cấp gcn do", TABLE).tsquery(weight="A") == (
        "'cap':A & ('gcn':A | 'giay':A <-> 'chung':A <-> 'nhan':A) & 'do':*A"
    )


def test_highlighting_marks_both_forms():
    parsed = parse_query("gcn", TABLE)
    text = "Cấp GCN hoặc Giấy chứng nhận"
    assert [text[start:end] for start, end, _ in find_matches(text, parsed)] == ["GCN", "Giấy", "chứng", "nhận"]


# --- checks of a pair ---


@pytest.mark.parametrize(
    ("term", "expansion", "field", "message"),
    [
        ("", "Giấy chứng nhận", "term", "Vui lòng nhập từ viết tắt."),
        ("   ", "Giấy chứng nhận", "term", "Vui lòng nhập từ viết tắt."),
        ("GCN", "", "expansion", "Vui lòng nhập cụm từ đầy đủ hoặc từ đồng nghĩa."),
        ("G", "Giấy", "term", "ít nhất 2 chữ cái hoặc chữ số"),
        ("&&", "Giấy", "term", "ít nhất 2 chữ cái hoặc chữ số"),
        ("GCN", "...", "expansion", "ít nhất một chữ cái hoặc chữ số"),
        ("x" * (TERM_MAX_CHARS + 1), "Giấy", "term", f"tối đa {TERM_MAX_CHARS} ký tự"),
        ("GCN", "x" * (EXPANSION_MAX_CHARS + 1), "expansion", f"tối đa {EXPANSION_MAX_CHARS} ký tự"),
        ("GCN", "gcn", "expansion", "phải khác từ viết tắt"),
        ("Giấy chứng nhận", "giay chung nhan.", "expansion", "phải khác từ viết tắt"),
        ("a b c d e f g h i j k l m", "Giấy", "term", "tối đa 12 từ"),
    ],
)
def test_bad_pairs_are_explained_in_vietnamese(term, expansion, field, message):
    errors = synonym_errors(term, expansion)
    assert message in errors[field]


@given(st.text(max_size=50), st.text(max_size=150))
def test_a_valid_pair_expands_both_ways(term, expansion):
    if synonym_errors(term, expansion):
        return
    table = Table([(term, expansion)])
    for typed, other in ((term, expansion), (expansion, term)):
        expanded = [group for group in table.expand(typed, max_words=100) if group.forms]
        assert len(expanded) == 1
        assert fold(other) in expanded[0].forms or fold(other) == " ".join(expanded[0].words)


def test_punctuation_inside_a_form_is_skipped():
    table = Table([("KH-CN", "Khoa học - công nghệ")])
    (group,) = table.expand("khoa hoc - cong nghe")
    assert group.forms == ("kh-cn",)
    assert table.expand("khoa hoc cong nghe")[0].forms == ("kh-cn", "khoa hoc - cong nghe")
