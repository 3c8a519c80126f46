"""Cloze questions: a key sentence with its key term blanked, other key terms as distractors."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass

from notes.generation.local.terms import term_pattern
from notes.generation.local.text import prose_ratio
from notes.generation.types import Notes, QuizQuestion

BLANK = "_____"
MAX_QUESTIONS = 10
CHOICES = 4
_MIN_CONTEXT_WORDS = 5
_MAX_QUESTIONS_PER_TERM = 2
_CLEAN_SOURCE = 0.75  # share of plain words in a sentence worth asking about first


@dataclass(frozen=True)
class Cloze:
    answer: str
    question: str
    source: str


def find_clozes(notes: Notes) -> list[Cloze]:
    """Definitions first, then summary and section sentences that use a key term; sentences
    that read cleanly before those a formula garbled, then back into the notes' order."""
    terms = [key_term.term for key_term in notes.key_terms]
    pairs = [(key_term.term, key_term.definition) for key_term in notes.key_terms]
    sentences = notes.summary + [point for section in notes.sections for point in section.points]
    pairs += [(term, sentence) for sentence in sentences for term in terms]
    ranked = sorted(range(len(pairs)), key=lambda index: (not _reads_well(pairs[index][1]), index))
    chosen: dict[int, Cloze] = {}
    asked: Counter[str] = Counter()
    used_sentences: set[str] = set()
    for index in ranked:
        term, sentence = pairs[index]
        if sentence in used_sentences or asked[term.casefold()] >= _MAX_QUESTIONS_PER_TERM:
            continue
        cloze = _blank(term, sentence)
        if cloze is not None:
            chosen[index] = cloze
            asked[term.casefold()] += 1
            used_sentences.add(sentence)
        if len(chosen) == MAX_QUESTIONS:
            break
    return [chosen[index] for index in sorted(chosen)]


def _reads_well(sentence: str) -> bool:
    return sentence.endswith((".", "!")) and prose_ratio(sentence) >= _CLEAN_SOURCE


def build_questions(clozes: list[Cloze], pool: list[str]) -> list[QuizQuestion]:
    """Four choices per question from the pool of terms; clozes without three wrong answers
    that fit are left out."""
    positions = _answer_positions(clozes)
    questions = []
    for cloze, position in zip(clozes, positions, strict=True):
        distractors = _distractors(cloze, pool)
        if len(distractors) < CHOICES - 1:
            continue
        choices = list(distractors)
        choices.insert(position, cloze.answer)
        questions.append(
            QuizQuestion(
                question=cloze.question,
                choices=choices,
                answer_index=position,
                explanation=cloze.source,
            )
        )
    return questions


def _blank(term: str, sentence: str) -> Cloze | None:
    pattern = term_pattern(term)
    question = pattern.sub(BLANK, sentence)
    context = [word for word in question.replace(BLANK, " ").split() if word.strip(".,;:")]
    # The term inside a longer word ("Metrikraum") would give the answer away.
    if question == sentence or term.casefold() in question.casefold():
        return None
    if len(context) < _MIN_CONTEXT_WORDS:
        return None
    return Cloze(answer=term, question=question, source=sentence)


def _distractors(cloze: Cloze, pool: list[str]) -> list[str]:
    """Three wrong answers shaped like the right one, none of them hinted at by the question."""
    answer = cloze.answer.casefold()
    candidates = [
        term
        for term in pool
        if term.casefold() not in answer
        and answer not in term.casefold()
        and not term_pattern(term).search(cloze.question)
    ]
    rank = {term: position for position, term in enumerate(candidates)}
    ranked = sorted(
        candidates,
        key=lambda term: (
            # Shape first, then the pool's own order: its best terms are the likeliest traps.
            round(_shape_distance(term, cloze.answer) + rank[term] / len(candidates), 1),
            _digest(term + cloze.question),
        ),
    )
    distinct: dict[str, str] = {}
    for term in ranked:
        distinct.setdefault(term.casefold(), term)
    return list(distinct.values())[: CHOICES - 1]


def _shape_distance(term: str, answer: str) -> float:
    """Small for a term that could pass for the answer: same number of words, same case."""
    word_gap = abs(len(term.split()) - len(answer.split()))
    case_gap = term[:1].isupper() != answer[:1].isupper()
    return 2 * word_gap + 2 * case_gap + abs(len(term) - len(answer)) / 8


def _answer_positions(clozes: list[Cloze]) -> list[int]:
    """Each run of four questions uses every answer position once, in a content-seeded order."""
    seed = int.from_bytes(_digest("\n".join(cloze.question for cloze in clozes)), "big")
    rng = random.Random(seed)  # noqa: S311 - shuffling quiz answers, not security
    positions: list[int] = []
    while len(positions) < len(clozes):
        block = list(range(CHOICES))
        rng.shuffle(block)
        positions += block
    return positions[: len(clozes)]


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()[:8]
