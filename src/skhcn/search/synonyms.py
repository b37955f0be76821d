"""Query expansion with the synonym table (pure functions: ``matching`` loads the table from the database).

A pair of the table links two forms: an abbreviation and what it stands for ("GCN" ↔ "Giấy chứng nhận"). Pairs that
share a form make one set ("KH&CN", "KHCN", "Khoa học và Công nghệ"). A form is compared by its *key*: the folded
words with everything but letters and digits removed ("KH&CN" and "khcn" have the key ``("khcn",)``, "Giấy chứng
nhận" ``("giay", "chung", "nhan")``), so accents, case and punctuation do not matter.

``expand()`` cuts a query into groups: a run of words that is a form of a set becomes one group carrying the other
forms of the set (the longest run wins: "giay chung nhan dang ky" → [giay chung nhan | GCN], dang, ky); any other
word is a group of its own. A search then requires every group, and a group matches when its own words match or
any of its other forms does. So the expansion works both ways.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from skhcn.core.text import fold

_TOKEN = re.compile(r"[^\W_]+")  # letters and digits (the same tokens as ``text.TOKEN_RE``)
TERM_MAX_CHARS = 40
EXPANSION_MAX_CHARS = 120
MAX_FORM_WORDS = 12
MIN_TERM_CHARS = 2


def word_key(folded_word: str) -> str:
    """Letters and digits of one folded word: "kh&cn" → "khcn", "(gcn)" → "gcn"."""
    return "".join(_TOKEN.findall(folded_word))


def form_key(text: str) -> tuple[str, ...]:
    """Key of a form: its folded words without punctuation; words with no letter or digit are left out."""
    return tuple(key for key in (word_key(word) for word in fold(text).split()) if key)


@dataclass(frozen=True)
class Group:
    """Some words of the query; ``forms``: the other folded forms of their synonym set (empty for a plain word)."""

    words: tuple[str, ...]
    forms: tuple[str, ...] = ()


class Table:
    """The synonym sets, indexed for matching runs of query words."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        parent: dict[tuple[str, ...], tuple[str, ...]] = {}
        literals: dict[tuple[str, ...], list[str]] = {}

        def root(key):
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for pair in pairs:
            keys = []
            for text in pair:
                key = form_key(text)
                if not key:
                    continue
                parent.setdefault(key, key)
                literal = fold(text)
                if literal not in literals.setdefault(key, []):
                    literals[key].append(literal)
                keys.append(key)
            if len(keys) == 2 and keys[0] != keys[1]:
                parent[root(keys[0])] = root(keys[1])
        sets: dict[tuple[str, ...], list[str]] = {}
        for key in parent:
            sets.setdefault(root(key), []).extend(literals[key])
        self.forms: dict[tuple[str, ...], tuple[str, ...]] = {key: tuple(sets[root(key)]) for key in parent}
        self.longest = max((len(key) for key in self.forms), default=0)

    def __bool__(self) -> bool:
        return bool(self.forms)

    def __len__(self) -> int:
        return len(self.forms)

    def expand(self, query: str, max_words: int = 32) -> tuple[Group, ...]:
        """``query`` cut into groups (see the module's doc); words with no letter or digit ("&", "-") are skipped
        inside a run ("khoa học - công nghệ" is a run) and are plain groups elsewhere."""
        words = fold(query).split()[:max_words]
        keyed = [(index, key) for index, key in ((i, word_key(word)) for i, word in enumerate(words)) if key]
        found: dict[int, tuple[int, tuple[str, ...]]] = {}  # first word index -> (last word index, forms)
        position = 0
        while position < len(keyed):
            for size in range(min(self.longest, len(keyed) - position), 0, -1):
                run = tuple(key for _, key in keyed[position : position + size])
                if run in self.forms:
                    found[keyed[position][0]] = (keyed[position + size - 1][0], self.forms[run])
                    position += size
                    break
            else:
                position += 1
        groups: list[Group] = []
        index = 0
        while index < len(words):
            if index not in found:
                groups.append(Group((words[index],)))
                index += 1
                continue
            last, forms = found[index]
            own = tuple(words[index : last + 1])
            typed = " ".join(own)
            groups.append(Group(own, tuple(form for form in forms if form != typed)))
            index = last + 1
        return tuple(groups)


EMPTY = Table()


def expand(query: str, table: Table = EMPTY, max_words: int = 32) -> tuple[Group, ...]:
    return table.expand(query, max_words)


def synonym_errors(term: str, expansion: str) -> dict[str, str]:
    """What is wrong with a pair, per field, in Vietnamese (empty: nothing)."""
    errors: dict[str, str] = {}
    term, expansion = (term or "").strip(), (expansion or "").strip()
    if not term:
        errors["term"] = "Vui lòng nhập từ viết tắt."
    elif len(term) > TERM_MAX_CHARS:
        errors["term"] = f"Từ viết tắt dài tối đa {TERM_MAX_CHARS} ký tự (đang có {len(term)})."
    elif len("".join(form_key(term))) < MIN_TERM_CHARS:
        errors["term"] = f"Từ viết tắt phải có ít nhất {MIN_TERM_CHARS} chữ cái hoặc chữ số."
    elif len(form_key(term)) > MAX_FORM_WORDS:
        errors["term"] = f"Từ viết tắt có tối đa {MAX_FORM_WORDS} từ."
    if not expansion:
        errors["expansion"] = "Vui lòng nhập cụm từ đầy đủ hoặc từ đồng nghĩa."
    elif len(expansion) > EXPANSION_MAX_CHARS:
        errors["expansion"] = f"Cụm từ dài tối đa {EXPANSION_MAX_CHARS} ký tự (đang có {len(expansion)})."
    elif not form_key(expansion):
        errors["expansion"] = "Cụm từ phải có ít nhất một chữ cái hoặc chữ số."
    elif len(form_key(expansion)) > MAX_FORM_WORDS:
        errors["expansion"] = f"Cụm từ có tối đa {MAX_FORM_WORDS} từ."
    if not errors and form_key(term) == form_key(expansion):
        errors["expansion"] = (
            "Cụm từ đầy đủ phải khác từ viết tắt (so sánh không phân biệt dấu, chữ hoa, chữ thường và dấu câu)."
        )
    return errors
