"""The local generator's notes and quiz on real lecture PDFs, short documents and odd text."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from jobs.errors import JobCancelled
from notes.generation.local import LocalGenerator
from notes.generation.types import Notes, Quiz, SourceDocument

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
LECTURE_NOTES = "GeoTopo-komprimiert.pdf"  # German maths lecture notes, 117 pages
TWO_COLUMNS = "multicolumn.pdf"  # English LaTeX article, two columns, 3 pages
SHORT_DOCUMENTS = ["minimal-document.pdf", "google-doc-document.pdf"]
BLANK = "_____"


def ignore_progress(done: int, total: int) -> None:
    return None


@cache
def document(file_name: str) -> SourceDocument:
    """Extracted once per run: pypdf takes seconds on the 117-page notes."""
    pages = [page.extract_text() or "" for page in PdfReader(CORPUS / file_name).pages]
    return SourceDocument(file_name=file_name, pages=pages)


@cache
def notes(file_name: str) -> Notes:
    return LocalGenerator().generate_notes(document(file_name), on_progress=ignore_progress)


@cache
def quiz(file_name: str) -> Quiz:
    generator = LocalGenerator()
    return generator.generate_quiz(
        document(file_name), notes(file_name), on_progress=ignore_progress
    )


def letters(text: str) -> str:
    """Only letters and digits, so that line breaks, hyphenation and ligatures compare equal."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def sentence_source(file_name: str) -> str:
    """The document's letters without page furniture: a sentence may run across a page break,
    over a running header such as "16 1.5. KOMPAKTHEIT"."""
    lines = []
    for page in document(file_name).pages:
        page_lines = page.splitlines()
        for position, line in enumerate(page_lines):
            at_edge = position in (0, len(page_lines) - 1)
            numbered = line[:1].isdigit() or line[-1:].isdigit()
            if not (at_edge and numbered):
                lines.append(line)
    return letters("\n".join(lines))


pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")
real_documents = pytest.mark.parametrize("file_name", [LECTURE_NOTES, TWO_COLUMNS])


@pytest.mark.parametrize(
    ("file_name", "title"),
    [
        (LECTURE_NOTES, "Einführung in die Geometrie und Topologie"),
        (TWO_COLUMNS, "Two-Column Document with Lorem Ipsum"),
    ],
)
def test_the_title_is_the_first_pages_title_line(file_name: str, title: str) -> None:
    assert notes(file_name).title == title


@real_documents
def test_the_summary_is_three_to_seven_sentences_taken_from_the_text(file_name: str) -> None:
    summary = notes(file_name).summary
    source = sentence_source(file_name)

    assert 3 <= len(summary) <= 7
    for sentence in summary:
        assert sentence[0].isupper()
        assert sentence.endswith((".", "!"))
        assert len(sentence.split()) >= 6
        assert letters(sentence) in source


def test_the_summary_keeps_document_order() -> None:
    source = sentence_source(LECTURE_NOTES)
    positions = [source.index(letters(sentence)) for sentence in notes(LECTURE_NOTES).summary]

    assert positions == sorted(positions)


@real_documents
def test_there_are_three_to_twelve_sections_each_with_a_few_points(file_name: str) -> None:
    sections = notes(file_name).sections
    source = sentence_source(file_name)

    assert 3 <= len(sections) <= 12
    for section in sections:
        assert 1 <= len(section.points) <= 6
        assert all(letters(point) in source for point in section.points)


def test_lecture_notes_sections_follow_the_numbered_chapters() -> None:
    headings = [section.heading for section in notes(LECTURE_NOTES).sections]

    assert headings == [
        "1 Topologische Grundbegriffe",
        "2 Mannigfaltigkeiten und Simplizialkomplexe",
        "3 Fundamentalgruppe und Überlagerungen",
        "4 Euklidische und nichteuklidische Geometrie",
        "5 Krümmung",
    ]


def test_an_articles_summary_opens_with_its_abstract() -> None:
    summary = notes(TWO_COLUMNS).summary

    assert summary[0] == "This is a sample document with two columns filled with Lorem Ipsum text."


def test_an_article_without_headings_is_split_into_named_topics() -> None:
    sections = notes(TWO_COLUMNS).sections

    assert len({section.heading for section in sections}) == len(sections)
    assert all(section.heading != "Abstract" for section in sections[1:])


@real_documents
def test_no_point_is_a_running_header_or_contents_line(file_name: str) -> None:
    points = [point for section in notes(file_name).sections for point in section.points]
    points += notes(file_name).summary

    assert len(points) == len(set(points))
    for point in points:
        assert ". . ." not in point
        assert not point.isupper()


@real_documents
def test_every_key_term_comes_with_a_sentence_that_contains_it(file_name: str) -> None:
    key_terms = notes(file_name).key_terms
    source = sentence_source(file_name)

    assert len(key_terms) >= 5
    assert len({term.term.casefold() for term in key_terms}) == len(key_terms)
    for key_term in key_terms:
        assert key_term.term.casefold() in key_term.definition.casefold()
        assert letters(key_term.definition) in source


def test_lecture_notes_key_terms_are_the_defined_concepts() -> None:
    key_terms = {term.term: term.definition for term in notes(LECTURE_NOTES).key_terms}

    assert {"topologischer Raum", "kompakt", "metrischer Raum"} <= key_terms.keys()
    assert key_terms["kompakt"].startswith("Ein topologischer Raum X heißt kompakt, wenn")


ENGLISH_LECTURE = [
    """Introduction to Group Theory
Lecture Notes, Spring Term
1 Introduction
Group theory studies symmetry in a precise algebraic language. A group is a set together with an
associative operation that has an identity element and inverses for every element. The integers
under addition form a group, and so do the symmetries of a square under composition.
1.1 Subgroups
A subset H of a group G is called a subgroup if it is closed under the operation and under
taking inverses. The order of a group is the number of its elements. Lagrange's theorem states
that the order of a subgroup divides the order of a finite group.
""",
    """2 Homomorphisms
A map between two groups is called a homomorphism if it preserves the group operation. The
kernel of a homomorphism is the set of elements mapped to the identity element. A bijective
homomorphism is called an isomorphism, and isomorphic groups share every algebraic property.
3 Group actions
A group action is a way for a group to act on a set by permutations that respects the
operation. The orbit of a point is the set of all images of the point under the action.
References
[1] M. Artin. Algebra. Prentice Hall, 1991.
""",
]


def test_an_english_lecture_yields_its_defined_terms_and_chapters() -> None:
    lecture = SourceDocument(file_name="groups.pdf", pages=ENGLISH_LECTURE)
    generated = LocalGenerator().generate_notes(lecture, on_progress=ignore_progress)
    points = [point for section in generated.sections for point in section.points]

    assert generated.title == "Introduction to Group Theory"
    assert [section.heading for section in generated.sections] == [
        "1 Introduction",
        "2 Homomorphisms",
        "3 Group actions",
    ]
    assert {"group", "subgroup", "homomorphism", "isomorphism", "orbit"} <= {
        term.term for term in generated.key_terms
    }
    assert not any("Artin" in text for text in [*generated.summary, *points])


@real_documents
def test_quiz_questions_blank_a_key_term_among_four_distinct_choices(file_name: str) -> None:
    questions = quiz(file_name).questions
    terms = {term.term for term in notes(file_name).key_terms}

    assert len(questions) >= 5
    for question in questions:
        answer = question.choices[question.answer_index]
        assert len(question.choices) == 4
        assert len({choice.casefold() for choice in question.choices}) == 4
        assert answer in terms
        assert BLANK in question.question
        assert answer.casefold() not in question.question.casefold()
        assert answer.casefold() in question.explanation.casefold()


@real_documents
def test_the_correct_answer_is_not_always_in_the_same_place(file_name: str) -> None:
    positions = {question.answer_index for question in quiz(file_name).questions}

    assert len(positions) >= 3


@pytest.mark.parametrize("file_name", [LECTURE_NOTES, TWO_COLUMNS, *SHORT_DOCUMENTS])
def test_the_same_document_gives_the_same_notes_and_quiz(file_name: str) -> None:
    generator = LocalGenerator()
    again = generator.generate_notes(document(file_name), on_progress=ignore_progress)

    assert again == notes(file_name)
    assert generator.generate_quiz(document(file_name), again, on_progress=ignore_progress) == (
        quiz(file_name)
    )


def recorder() -> tuple[list[tuple[int, int]], Callable[[int, int], None]]:
    calls: list[tuple[int, int]] = []
    return calls, lambda done, total: calls.append((done, total))


def test_progress_is_reported_with_increasing_done_values() -> None:
    generator = LocalGenerator()
    note_calls, on_notes = recorder()
    quiz_calls, on_quiz = recorder()

    generated = generator.generate_notes(document(TWO_COLUMNS), on_progress=on_notes)
    generator.generate_quiz(document(TWO_COLUMNS), generated, on_progress=on_quiz)

    for calls in (note_calls, quiz_calls):
        done = [call[0] for call in calls]
        assert len(calls) >= 2
        assert done == sorted(set(done))
        assert calls[-1][0] == calls[-1][1]
        assert len({call[1] for call in calls}) == 1


def cancel(done: int, total: int) -> None:
    raise JobCancelled


def test_cancelling_during_notes_stops_generation() -> None:
    with pytest.raises(JobCancelled):
        LocalGenerator().generate_notes(document(TWO_COLUMNS), on_progress=cancel)


def test_cancelling_during_the_quiz_stops_generation() -> None:
    with pytest.raises(JobCancelled):
        LocalGenerator().generate_quiz(
            document(TWO_COLUMNS), notes(TWO_COLUMNS), on_progress=cancel
        )


@pytest.mark.parametrize("file_name", SHORT_DOCUMENTS)
def test_short_documents_give_valid_notes_and_quiz(file_name: str) -> None:
    short = notes(file_name)

    assert short.title
    assert short.title != file_name
    assert short.summary
    assert short.sections
    for question in quiz(file_name).questions:
        assert len({choice.casefold() for choice in question.choices}) == len(question.choices)


@pytest.mark.parametrize(
    "pages",
    [
        [],
        [""],
        ["   \n \n"],
        ["42"],
        ["Hello"],
        ["x = (a + b)^2 = a^2 + 2ab + b^2\n∫ f dx = F(b) \u2212 F(a)\n1 2 3 4"],
        ["\x00\x01 \ue000 ﬁ ﬀ ligatures \ufffd"],
        ["a" * 5000],
        ["Introduction\n" * 50],
        ["1 Einleitung\n1.1 Motivation\n2 Grundlagen\n2.1 Mengen"],
        ["Contents\n1 Intro . . . . . 1\n2 More . . . . . 3"],
        ["Dies ist ein Satz. " * 3, "This is a sentence. " * 3],
    ],
)
def test_odd_text_still_gives_valid_notes_and_a_valid_quiz(pages: list[str]) -> None:
    odd = SourceDocument(file_name="odd-file.pdf", pages=pages)
    generator = LocalGenerator()

    generated = generator.generate_notes(odd, on_progress=ignore_progress)
    questions = generator.generate_quiz(odd, generated, on_progress=ignore_progress).questions

    assert generated.title
    assert generated.summary
    assert generated.sections
    for question in questions:
        assert len(question.choices) == 4
