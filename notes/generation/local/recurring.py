"""Recurring words: key terms for text that defines little, and wrong answers for the quiz."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from notes.generation.local.sentences import Sentence
from notes.generation.local.terms import Term, term_key, term_pattern
from notes.generation.local.text import ARTICLES, is_clean_word, is_stopword, stem, words


def recurring_terms(
    sentences: list[Sentence], chapters: dict[int, int], *, exclude: list[Term], limit: int
) -> list[Term]:
    """For text that defines little: its recurring nouns, each with a sentence using it."""
    usable = [sentence for sentence in sentences if sentence.part in chapters]
    used = {term.sentence.order for term in exclude}
    terms: list[Term] = []
    for word, weight in _recurring_words(usable, exclude):
        if len(terms) == limit:
            break
        sentence = _best_use(usable, word, used)
        if sentence is not None:
            used.add(sentence.order)
            terms.append(Term(term=word, sentence=sentence, score=weight))
    return terms


def recurring_words(
    sentences: list[Sentence], chapters: dict[int, int], *, exclude: list[Term]
) -> list[str]:
    """The words the text keeps using, nouns first, most frequent first."""
    usable = [sentence for sentence in sentences if sentence.part in chapters]
    return [word for word, _ in _recurring_words(usable, exclude)]


def _recurring_words(sentences: list[Sentence], exclude: list[Term]) -> list[tuple[str, float]]:
    taken = {term_key(term.term) for term in exclude}
    uses = _word_uses(sentences)
    ranked = sorted(
        (key for key, use in uses.items() if use.count >= 2 and key not in taken),
        key=lambda key: (-uses[key].weight, key),
    )
    return [(uses[key].display, uses[key].weight) for key in ranked]


@dataclass
class _WordUse:
    forms: Counter[str] = field(default_factory=Counter)
    inner_forms: Counter[str] = field(default_factory=Counter)  # not first in a sentence
    count: int = 0
    as_noun: int = 0  # after an article, or capitalised inside a sentence

    @property
    def weight(self) -> float:
        return self.count * (0.3 + self.as_noun / self.count)

    @property
    def display(self) -> str:
        """The usual spelling; a capital that only ever starts a sentence is not part of it."""
        forms = self.inner_forms or self.forms
        return forms.most_common(1)[0][0]


def _word_uses(sentences: list[Sentence]) -> dict[str, _WordUse]:
    uses: dict[str, _WordUse] = {}
    for sentence in sentences:
        previous = ""
        for position, word in enumerate(words(sentence.text)):
            if len(word) >= 5 and not is_stopword(word) and _is_plain_word(word):
                use = uses.setdefault(stem(word), _WordUse())
                use.forms[word] += 1
                if position > 0:
                    use.inner_forms[word] += 1
                use.count += 1
                capitalised = position > 0 and word[0].isupper()
                use.as_noun += capitalised or previous.casefold() in ARTICLES
            previous = word
    return uses


def _is_plain_word(word: str) -> bool:
    return is_clean_word(word) and "'" not in word and "\u2019" not in word


def _best_use(sentences: list[Sentence], word: str, used: set[int]) -> Sentence | None:
    """The clearest sentence using the word, preferring one no other term explains."""
    pattern = term_pattern(word)
    uses = [
        sentence
        for sentence in sentences
        if sentence.complete
        and not sentence.text.endswith("?")
        and 6 <= sentence.word_count <= 40
        and pattern.search(sentence.text)
    ]
    if not uses:
        return None
    return max(
        uses, key=lambda sentence: (sentence.order not in used, sentence.quality, -sentence.order)
    )
