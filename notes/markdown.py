"""Notes as Markdown, for download (pure)."""

from __future__ import annotations

from notes.generation.types import Notes, Quiz

LETTERS = "ABCDEF"


def notes_markdown(notes: Notes, quiz: Quiz) -> str:
    lines = [f"# {notes.title}", "", "## Summary", "", " ".join(notes.summary), ""]
    for section in notes.sections:
        lines += [f"## {section.heading}", ""]
        lines += [f"- {point}" for point in section.points]
        lines.append("")
    if notes.key_terms:
        lines += ["## Key terms", ""]
        lines += [f"- **{term.term}**: {term.definition}" for term in notes.key_terms]
        lines.append("")
    if quiz.questions:
        lines += ["## Quiz", ""]
        for number, question in enumerate(quiz.questions, start=1):
            lines += [f"{number}. {question.question}", ""]
            lines += [f"   {LETTERS[i]}. {choice}" for i, choice in enumerate(question.choices)]
            answer = LETTERS[question.answer_index]
            lines += ["", f"   *Answer: {answer}. {question.explanation}*", ""]
    return "\n".join(lines).rstrip() + "\n"
