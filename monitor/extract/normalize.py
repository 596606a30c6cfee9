"""Name folding shared by the gazetteer and the actor catalogue.

Transliterated names come in many spellings: Jisr al-Shughour, Jisr ash-Shughur, Jisr esh Shughur.
``fold`` maps such spellings onto one key: strip diacritics and apostrophes, lower-case, split on
hyphens and punctuation, drop Arabic article tokens (al-, ash-, ad-, el- ...) and smooth common
vowel/consonant spellings (ou/oo -> u, ee -> i, doubled letters, a final vowel + h). Both sides of a
match (the index and the text) go through the same function, so the folding only has to be
consistent, not linguistically right.

``tokens`` splits text into folded tokens that remember their character span in the original text,
so a match over folded tokens maps back to the exact surface mention.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Arabic definite-article forms as they appear in romanised names (al-Bab, ash-Sham, ad-Dana, el-Arish)
ARTICLES = frozenset(
    "al el ul il ash esh ech as es ad ed adh ath az ez ar er at et an en".split()
)
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʿʾʼ\u02bb\u02bc"), None)

_SMOOTH = [
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"^dj"), "j"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"(?<=[aeiou])h$"), ""),
]


class Token(NamedTuple):
    key: str  # folded form ("" for a dropped article)
    start: int
    end: int
    possessive: bool = False  # the word carried a possessive 's (Al Qaeda's), cut off the span


def strip_accents(text: str) -> str:
    """Remove diacritics and apostrophe-like marks; keeps the letters."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """Fold one word (no spaces) to its matching key; '' for an article."""
    w = strip_accents(word)
    if w.lower() in ARTICLES:
        return ""
    if w.isupper() and len(w) <= 4:  # an acronym (ISS, SAA, ADF): spelled exactly, not smoothed
        return w.lower()
    w = w.lower()
    for pattern, repl in _SMOOTH:
        w = pattern.sub(repl, w)
    return w


def fold(text: str) -> str:
    """Fold a whole name to a space-joined key (articles dropped)."""
    return " ".join(t.key for t in tokens(text) if t.key)


def tokens(text: str) -> list[Token]:
    """Folded word tokens of ``text`` with their spans in ``text`` (articles kept as empty keys).

    Apostrophes inside a word (Ma'arrat, Qu'ran) do not split it.
    """
    out: list[Token] = []
    for m in _WORD_WITH_APOSTROPHES.finditer(text):
        word, end, possessive = m.group(), m.end(), False
        if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS":
            word, end, possessive = word[:-2], end - 2, True
        out.append(Token(fold_word(word), m.start(), end, possessive))
    return out


# every apostrophe-like mark ``strip_accents`` removes joins a word: GeoNames writes an ayn as ‘ or ` ("Tall Rif‘at")
_WORD_WITH_APOSTROPHES = re.compile(r"[^\W_]+(?:['’‘`´ʿʾʼ\u02bb][^\W_]+)*", re.UNICODE)


def is_latin(text: str) -> bool:
    """True when a name is written in Latin letters (after removing diacritics)."""
    stripped = strip_accents(text)
    letters = [c for c in stripped if c.isalpha()]
    return bool(letters) and all("a" <= c.lower() <= "z" for c in letters)


class FoldedText:
    """An article as folded tokens, joined by single spaces, with a way back to the original spans.

    The gazetteer looks token n-grams up in it and the actor catalogue runs its Aho-Corasick
    automaton over ``joined``; both report hits as character spans of the original text.
    """

    __slots__ = ("text", "tokens", "joined", "_starts")

    def __init__(self, text: str):
        self.text = text
        self.tokens = [t for t in tokens(text) if t.key]
        parts: list[str] = []
        self._starts: list[int] = []
        pos = 0
        for t in self.tokens:
            self._starts.append(pos)
            parts.append(t.key)
            pos += len(t.key) + 1
        self.joined = " ".join(parts)

    def token_at(self, joined_pos: int) -> int | None:
        """Index of the token starting exactly at ``joined_pos`` of ``joined`` (None inside a token)."""
        import bisect

        i = bisect.bisect_left(self._starts, joined_pos)
        return i if i < len(self._starts) and self._starts[i] == joined_pos else None

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Original character span covering tokens ``first..last`` (inclusive)."""
        return self.tokens[first].start, self.tokens[last].end
