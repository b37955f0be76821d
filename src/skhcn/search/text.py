"""Text side of the search: plain text of an article, tokens of folded text, query parsing and highlighting.

The database never sees user syntax: a query is folded (``skhcn.core.text.fold``), cut into word tokens
(letters and digits only) and the backends build their own full-text expression from those tokens.

Highlighting runs on the ORIGINAL text: each character is folded on its own, so a position in the folded
string maps back to a position in the original one (Vietnamese text in NFC folds 1:1; other text goes
through an index map).
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

from skhcn.core.text import fold

from .synonyms import EMPTY, Table

# A token is a run of letters/digits (Unicode L*, N*): "_" and punctuation separate tokens (as in unicode61).
TOKEN_RE = re.compile(r"[^\W_]+")
MAX_QUERY_TOKENS = 32
MIN_PREFIX_CHARS = 2  # the last word matches as a prefix from two letters on
MAX_TEXT_CHARS = 100_000
SNIPPET_CHARS = 240
SNIPPET_LEAD_CHARS = 60


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(fold(text))


def index_text(*parts: str) -> str:
    """What the full-text index stores: folded tokens separated by single spaces (same tokens on every DB)."""
    return " ".join(token for part in parts if part for token in tokens(part))


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class ParsedQuery:
    """Words that must all match; ``prefix`` (the last word typed) matches any word starting with it.

    ``alternatives``: the groups of the query that are a form of a synonym set (``synonyms``), each as
    (its own words, then the set's other forms as phrases): the group matches when all its own words do, or one of
    the phrases does ("gcn" → ``(("gcn",), ("giay", "chung", "nhan"))``).
    """

    exact: tuple[str, ...] = ()
    prefix: str = ""
    alternatives: tuple[tuple[Phrase, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefix or self.alternatives)

    @property
    def words(self) -> tuple[str, ...]:
        """Every word a matching text may contain (for highlighting), the longest first."""
        found = dict.fromkeys(self.exact)
        for group in self.alternatives:
            for phrase in group:
                found.update(dict.fromkeys(phrase))
        return tuple(sorted(found, key=len, reverse=True))

    def fts5(self) -> str:
        """FTS5 MATCH expression: quoted tokens (implicit AND), the last one with ``*``; a synonym group in
        parentheses: ``("gcn" OR "giay chung nhan")`` (then every term joined by ``AND``)."""
        terms = [f'"{word}"' for word in self.exact]
        for own, *others in self.alternatives:
            mine = " AND ".join(f'"{word}"' for word in own)
            options = [f"({mine})" if len(own) > 1 else mine, *(f'"{" ".join(phrase)}"' for phrase in others)]
            terms.append(f"({' OR '.join(options)})")
        if self.prefix:
            terms.append(f'"{self.prefix}"*')
        # FTS5 takes no implicit AND next to a parenthesised group: spell it out when there is one.
        return (" AND " if self.alternatives else " ").join(terms)

    def tsquery(self, weight: str = "") -> str:
        """to_tsquery('simple', ...) input: quoted lexemes joined by ``&``, the last one with ``:*``; a synonym
        group in parentheses: ``('gcn' | 'giay' <-> 'chung' <-> 'nhan')``. ``weight`` ("A"): lexemes of that weight
        only (the title's)."""
        label = f":{weight}" if weight else ""
        terms = [f"'{word}'{label}" for word in self.exact]
        for own, *others in self.alternatives:
            mine = " & ".join(f"'{word}'{label}" for word in own)
            phrases = (" <-> ".join(f"'{word}'{label}" for word in phrase) for phrase in others)
            options = [f"({mine})" if len(own) > 1 else mine, *phrases]
            terms.append(f"({' | '.join(options)})")
        if self.prefix:
            terms.append(f"'{self.prefix}':*{weight}")
        return " & ".join(terms)


def parse_query(text: str, table: Table = EMPTY) -> ParsedQuery:
    """The query's word tokens; with a synonym ``table``, its groups that have other forms become alternatives."""
    exact: list[str] = []
    alternatives: list[tuple[Phrase, ...]] = []
    count = 0
    last_plain = False
    for group in table.expand(text, MAX_QUERY_TOKENS):
        own = tuple(token for word in group.words for token in tokens(word))[: MAX_QUERY_TOKENS - count]
        if not own:
            continue
        count += len(own)
        others = tuple(phrase for phrase in (tuple(tokens(form)) for form in group.forms) if phrase and phrase != own)
        last_plain = not others
        if others:
            alternatives.append((own, *others))
        else:
            exact.extend(own)
        if count >= MAX_QUERY_TOKENS:
            break
    alternatives = list(dict.fromkeys(alternatives))
    if not exact or not last_plain:
        return ParsedQuery(exact=tuple(dict.fromkeys(exact)), alternatives=tuple(alternatives))
    last = exact[-1]
    if len(last) < MIN_PREFIX_CHARS:  # "cao k": a one-letter prefix matches nearly everything, slowly
        return ParsedQuery(exact=tuple(dict.fromkeys(exact)), alternatives=tuple(alternatives))
    before = tuple(dict.fromkeys(exact[:-1]))
    if last in before:  # "an an": the exact word already requires more than the prefix would
        return ParsedQuery(exact=before, alternatives=tuple(alternatives))
    return ParsedQuery(exact=before, prefix=last, alternatives=tuple(alternatives))


# --- plain text of an article ---

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "hr",
    "tr",
    "td",
}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


_BLANK_LINES = re.compile(r"[ \t\r\f\v]*\n[\s]*")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts)
    return _BLANK_LINES.sub("\n", _SPACES.sub(" ", text)).strip()


def _value_text(value) -> list[str]:
    """Text of one StreamField value: rich text (tags stripped), struct values (captions, quotes, titles)."""
    source = getattr(value, "source", None)
    if isinstance(source, str):  # RichText
        return [html_to_text(source)]
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, dict):  # StructValue
        out = []
        for key, item in value.items():
            if key in {"alt_text"}:  # usually repeats the caption
                continue
            if isinstance(item, str) or hasattr(item, "source") or isinstance(item, dict):
                out.extend(_value_text(item))
        return out
    if isinstance(value, list | tuple):
        return [text for item in value for text in _value_text(item)]
    title = getattr(value, "title", None)  # a chosen document: its title
    if isinstance(title, str) and hasattr(value, "file"):
        return [title]
    return []


def streamfield_text(body) -> str:
    parts = []
    for block in body or ():
        parts.extend(text for text in _value_text(block.value) if text)
    return "\n".join(parts)


# --- highlighting on the original text ---


class _FoldTable(dict):
    """``str.translate`` table mapping each character to its folded form (computed once per character)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = "".join(
            c
            for c in unicodedata.normalize("NFD", char.translate({0x110: "d", 0x111: "d"}))
            if not unicodedata.combining(c)
        ).casefold()
        self[code] = folded
        if len(folded) != 1:
            _NOT_ONE_TO_ONE.add(char)
        return folded


_NOT_ONE_TO_ONE: set[str] = set()  # characters that fold to zero or several characters
_FOLD_TABLE = _FoldTable()


def fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded character by character, and where each folded character came from (None: 1:1)."""
    folded = text.translate(_FOLD_TABLE)
    if _NOT_ONE_TO_ONE.isdisjoint(text):  # every character folded to one (always so for NFC Vietnamese)
        return folded, None
    origin: list[int] = []
    for index, char in enumerate(text):
        origin.extend([index] * len(_FOLD_TABLE[ord(char)]))
    return folded, origin


def _matcher(query: ParsedQuery) -> re.Pattern | None:
    alternatives = []
    if query.words:
        words = "|".join(re.escape(word) for word in query.words)
        alternatives.append(rf"(?:{words})(?![^\W_])")
    if query.prefix:
        alternatives.append(rf"{re.escape(query.prefix)}[^\W_]*")
    if not alternatives:
        return None
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(alternatives)})")


def find_matches(text: str, query: ParsedQuery, limit: int = 400) -> list[tuple[int, int, str]]:
    """(start, end, query word) of every matched word of ``text``, as positions in the original text."""
    pattern = _matcher(query)
    if pattern is None or not text:
        return []
    folded, origin = fold_with_map(text)
    exact = set(query.words)
    matches = []
    for found in pattern.finditer(folded):
        start, end = found.span()
        if origin is not None:
            start = origin[start]
            end = origin[end] if end < len(origin) else len(text)
        word = found.group()
        matches.append((start, end, word if word in exact else query.prefix))
        if len(matches) >= limit:
            break
    return matches


def _render(text: str, matches, start: int, end: int) -> str:
    out = []
    position = start
    for m_start, m_end, _word in matches:
        if m_start < start or m_end > end:
            continue
        out.append(escape(text[position:m_start]))
        out.append(f"<mark>{escape(text[m_start:m_end])}</mark>")
        position = m_end
    out.append(escape(text[position:end]))
    return "".join(out)


def highlight(text: str, query: ParsedQuery) -> SafeString:
    """The whole of ``text`` escaped, matched words in <mark>."""
    return mark_safe(_render(text, find_matches(text, query), 0, len(text)))  # noqa: S308 - every part escaped


def _word_start(text: str, position: int) -> int:
    """Move ``position`` back to the start of the word it is in."""
    space = max(text.rfind(" ", 0, position), text.rfind("\n", 0, position))
    if space < 0 or position - space > 20:
        return position
    return space + 1


def _word_end(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    candidates = [i for i in (text.find(" ", position), text.find("\n", position)) if i >= 0]
    end = min(candidates) if candidates else len(text)
    return end if end - position <= 20 else position


def _densest_window(matches, span: int) -> int:
    """Index of the match that starts the window of ``span`` characters with the most distinct, then most, matches."""
    counts: Counter = Counter()
    best, best_score = 0, (-1, -1)
    j = 0
    for i, (start, _, _) in enumerate(matches):
        if j <= i:
            j = i + 1
            counts = Counter({matches[i][2]: 1})
        while j < len(matches) and matches[j][1] <= start + span:
            counts[matches[j][2]] += 1
            j += 1
        score = (len(counts), j - i)
        if score > best_score:
            best, best_score = i, score
        counts[matches[i][2]] -= 1
        if not counts[matches[i][2]]:
            del counts[matches[i][2]]
    return best


def snippet(text: str, query: ParsedQuery, length: int = SNIPPET_CHARS) -> SafeString:
    """About ``length`` characters of ``text`` around the densest group of matches, escaped, with <mark>."""
    text = text[:MAX_TEXT_CHARS]
    matches = find_matches(text, query)
    start = 0
    if matches:
        best = _densest_window(matches, length - SNIPPET_LEAD_CHARS)
        start = max(0, matches[best][0] - SNIPPET_LEAD_CHARS)
        start = max(0, min(start, len(text) - length))  # near the end: show a full-length window
    if start > 0:
        start = _word_start(text, start)
    end = _word_end(text, min(len(text), start + length))
    body = " ".join(_render(text, matches, start, end).split())  # paragraph breaks read as spaces here
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - built from escaped parts
