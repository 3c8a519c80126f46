"""Defined terms: the phrases a document names ("X heißt kompakt", "is called a group")."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from notes.generation.local.sentences import Role, Sentence
from notes.generation.local.terms import Term, term_key
from notes.generation.local.text import (
    ARTICLES,
    is_abbreviation,
    is_clean_word,
    is_stopword,
    stem,
    word_list,
    words,
)

_GENERIC = frozenset(
    word_list(
        """result results problem idea way case example thing paper document text section chapter
        figure table part beispiel fall weise teil abschnitt kapitel bild aussage folgenden
        folgende"""
    )
)
_NAMING = re.compile(
    r"\b(?:heißt|heißen|heisst|heissen|nennt man|nennen wir|bezeichnet man|bezeichnen wir"
    r"|(?:is|are) (?:then |also |now )?(?:called|termed|named|known as|referred to as"
    r"|said to be|defined as|defined to be)|we call \S+(?: \S+){0,3}? (?=an? |the ))\s+"
    r"(?:auch |dann |man |also |then )?",
)
_NAMED_AFTER = re.compile(
    r"\b(?:wird|werden)\s+(?:auch\s+|oft\s+)?(?:als\s+)?(?P<phrase>[^,;:()]{2,60}?)"
    r"\s+(?:genannt|bezeichnet)\b"
)
_INTRODUCED = re.compile(
    r"^(?:Ein|Eine|An?|The)\s+(?P<phrase>(?:[^\W\d_][\w-]*\s+){0,2}[^\W\d_][\w-]*)"
    r"(?:\s+[^,.;:]{0,30}?)?\s+(?:ist|is|are)\s+(?:ein|eine|einen|an?|the|defined|any)\b"
)
_DEFINITE = frozenset(word_list("der die das den dem des"))
_PARENTHESES = re.compile(r"\([^()]*\)")
_ANAPHORA = frozenset(word_list("sie er es diese dieser dieses dann this it they these then"))
_MAX_TERM_WORDS = 4
_MIN_DEFINITION_QUALITY = 0.5
_UMLAUTS = str.maketrans("äöü", "aou")


@dataclass(frozen=True)
class _Context:
    """What a term's score draws on: how much the text uses it and what the headings name."""

    counts: Counter[str]
    text: str
    heading_stems: set[str]
    sorted_stems: list[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sorted_stems", sorted(self.counts))

    def prefix_count(self, prefix: str) -> int:
        """Occurrences of all stems starting with the prefix: "kompakt" counts "kompaktheit"."""
        start = bisect_left(self.sorted_stems, prefix)
        end = bisect_left(self.sorted_stems, prefix + "\U0010ffff")
        return sum(self.counts[word] for word in self.sorted_stems[start:end])


def defined_terms(
    sentences: list[Sentence], chapters: dict[int, int], *, headings: list[str], language: str
) -> list[Term]:
    """Every term the document defines, best first."""
    usable = [sentence for sentence in sentences if sentence.part in chapters]
    context = _Context(
        counts=Counter(stem_ for sentence in usable for stem_ in sentence.stems),
        text=" ".join(sentence.text for sentence in usable),
        heading_stems={_fold(stem(word)) for heading in headings for word in words(heading)},
    )
    return _defined_terms(usable, context, german=language == "de")


def _defined_terms(sentences: list[Sentence], context: _Context, *, german: bool) -> list[Term]:
    best: dict[str, Term] = {}
    for sentence in sentences:
        if not _may_define(sentence):
            continue
        for phrase, strength in _phrases(sentence):
            term = _clean_term(_leading_phrase(phrase, german=german))
            if term is None:
                continue
            score = _term_score(term, sentence, strength, context)
            key = term_key(term)
            if key not in best or score > best[key].score:
                best[key] = Term(term=term, sentence=sentence, score=score)
    return sorted(best.values(), key=lambda term: (-term.score, term.sentence.order))


def _may_define(sentence: Sentence) -> bool:
    return (
        sentence.role not in (Role.PROOF, Role.EXERCISE)
        and sentence.quality >= _MIN_DEFINITION_QUALITY
        and 4 <= sentence.word_count <= 60
    )


def _phrases(sentence: Sentence) -> list[tuple[str, float]]:
    """Text that starts with a defined phrase, and how surely the pattern marks a definition."""
    text = _PARENTHESES.sub(" ", sentence.text)
    found = []
    for match in _NAMING.finditer(text):
        rest = text[match.end() :]
        # "so heißt die Gruppenoperation stetig": after a definite article comes the
        # subject of an inverted German sentence, not the name.
        definite = rest.split(maxsplit=1)[0].casefold() in _DEFINITE if rest.strip() else False
        found.append((rest, 0.6 if definite else 1.0))
    for match in _NAMED_AFTER.finditer(text):
        phrase = re.split(r"\s+(?:oder|or|bzw\.)\s+", match.group("phrase"))[0]
        quoted = re.search(r"[„\"“](?P<inner>[^“”\"]+)[“”\"]", phrase)
        found.append((quoted.group("inner") if quoted else phrase.split()[-1], 0.9))
    introduced = _INTRODUCED.match(text)
    if introduced:
        found.append((introduced.group("phrase"), 0.8))
    return found


def _leading_phrase(text: str, *, german: bool) -> str:
    """The noun phrase a naming verb introduces: adjectives up to and including the noun."""
    tokens = text.split()
    collected: list[str] = []
    for position, token in enumerate(tokens):
        core = token.strip('„“"”')
        word = core.rstrip(".,;:!?)")
        if not collected and word.casefold() in ARTICLES:
            continue
        if (
            not is_clean_word(word)
            or is_stopword(word)
            or is_abbreviation(word)
            or len(collected) == _MAX_TERM_WORDS
        ):
            break
        collected.append(word)
        if word != token:
            break  # punctuation or a closing quote ends the phrase
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        # A German noun ends the phrase ("metrischer Raum"); an English one may be
        # followed by its head noun ("Hausdorff space").
        continues = following[:1].islower() and not is_stopword(following) and not german
        if word[0].isupper() and not continues:
            break
    return " ".join(collected)


def _clean_term(phrase: str) -> str | None:
    term_words = phrase.split()
    if not term_words or len(term_words) > _MAX_TERM_WORDS:
        return None
    if len(term_words[-1]) < 3 or sum(len(word) for word in term_words) < 4:
        return None
    if term_words[-1].casefold() in _GENERIC or is_stopword(term_words[-1]):
        return None
    return phrase


def _term_score(term: str, sentence: Sentence, strength: float, context: _Context) -> float:
    frequency = context.prefix_count(stem(words(term)[-1]))
    if len(term.split()) > 1:
        # A phrase the text keeps using ("topologischer Raum") outranks its bare noun.
        frequency += 3 * len(_phrase_pattern(term).findall(context.text))
    headed = 1.6 if _named_by_heading(term, context.heading_stems) else 1.0
    role = (1.3 if sentence.role is Role.DEFINITION else 1.0) * headed
    first_word = sentence.text.split()[0].casefold()
    standalone = 0.5 if first_word in _ANAPHORA else 1.0  # "Sie heißt ..." needs context
    complete = 1.0 if sentence.complete else 0.8
    return math.log1p(frequency) * strength * role * standalone * complete * sentence.quality


def _named_by_heading(term: str, heading_stems: set[str]) -> bool:
    def matches(word: str) -> bool:
        return any(
            min(len(word), len(other)) >= 4 and (word.startswith(other) or other.startswith(word))
            for other in heading_stems
        )

    return all(matches(_fold(stem(word))) for word in words(term))


def _fold(word: str) -> str:
    """Umlauts folded, so that "Räume" and "Raum" or "Zusammenhang" and "zusammenhängend" meet."""
    return word.translate(_UMLAUTS)


def _phrase_pattern(term: str) -> re.Pattern[str]:
    parts = [rf"{re.escape(stem(word))}[^\W\d_]{{0,4}}" for word in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)
