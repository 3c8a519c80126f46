"""Words, stopwords and sentence boundaries for English and German text taken from PDFs."""

from __future__ import annotations

import re
import unicodedata


def word_list(text: str) -> list[str]:
    """The words of a whitespace-separated literal: long word lists read better as prose."""
    return text.split()


STOPWORDS_EN = frozenset(
    word_list(
        """
        a about above after again against all also although am an and any are as at be because
        been before being below between both but by can cannot could did do does doing down during
        each either else even every few for from further had has have having he her here hers him
        his how however i if in into is it its itself just let may me might more most much must my
        neither no nor not now of off often on once one only or other others otherwise our ours out
        over own per rather same shall she should since so some such than that the their theirs
        them then there therefore these they this those though through thus to too under until up
        upon us use used using very via was we well were what when where whether which while who
        whom whose why will with within without would yet you your yours two three first second
        new way see given many called defined hence get got let's it's don't can't unless across
        along among around behind beyond despite except inside outside toward towards whereas
        whenever wherever something anything nothing everything really
        """
    )
)

STOPWORDS_DE = frozenset(
    word_list(
        """
        aber alle allem allen aller alles als also am an andere anderen anderer anderes auch auf
        aus bei beide beiden bereits bei beim bis bzw da dabei dadurch daher damit dann darauf
        darf das dass dazu dem den denen denn der deren des dessen die dies diese diesem diesen
        dieser dieses doch dort du durch ebenfalls ein eine einem einen einer eines einige
        einmal er es etwa etwas euch falls für gegen genau gibt gilt hat hatte haben heißt heißen
        hier ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins insbesondere ist ja je
        jede jedem jeden jeder jedes jedoch kann kein keine keinem keinen keiner können könnte man
        mehr mit muss müssen nach nicht noch nun nur ob oder ohne sehr sei seien sein seine seinem
        seinen seiner selbst sich sie sind so sodass solche solchen soll sollte sowie sowohl
        über um und uns unter viel viele vom von vor während war waren was weil weiter welche
        welchem welchen welcher welches wenn wer werden wie wir wird wo wobei wurde wurden zu zum
        zur zwei drei zwischen gerade genannt folgt folgende folgenden gelten dafür hierbei
        zusammen hat wäre wären somit
        """
    )
)

STOPWORDS = STOPWORDS_EN | STOPWORDS_DE
ARTICLES = frozenset(
    word_list("ein eine einen einem einer eines der die das den dem des the a an this that")
)

# Abbreviations after which a full stop does not end a sentence (compared in lower case).
_ABBREVIATIONS = frozenset(
    word_list(
        """
        z d u o s i e v bzw vgl usw etc ca prof dr nr abb def bem bsp kap vor beh bew bzgl evtl
        ggf inkl max min sog vs al fig figs eq eqs sec ch no vol pp cf resp mr mrs ms st jr
        approx dept inc ltd ref refs thm prop lem cor ex eg ie zb dh ua obda
        """
    )
)

_WORD = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"([.!?])([\"”“»)]?)\s+(?=[\"„“«(]?[A-ZÄÖÜ0-9])")
_MIXED_CASE = re.compile(r"[a-zäöüß][A-ZÄÖÜ]")


def normalise(text: str) -> str:
    """Fold ligatures (ﬁ, ﬀ) and compatibility characters so words compare equal."""
    return unicodedata.normalize("NFKC", text)


def words(text: str) -> list[str]:
    """The alphabetic words of a text, in order, with their original case."""
    return _WORD.findall(text)


def stem(word: str) -> str:
    """A crude stem that lets inflected forms (kompakte, spaces) meet their base word."""
    lowered = word.casefold()
    for suffix in ("ungen", "ern", "en", "er", "es", "em", "e", "s", "n"):
        if len(lowered) - len(suffix) >= 4 and lowered.endswith(suffix):
            return lowered[: -len(suffix)]
    return lowered


def is_stopword(word: str) -> bool:
    return word.casefold() in STOPWORDS


def is_abbreviation(word: str) -> bool:
    return word.replace(".", "").casefold() in _ABBREVIATIONS and len(word) > 1


def content_words(text: str) -> list[str]:
    """Stems of the words that carry meaning: no stopwords, no single letters."""
    return [stem(word) for word in words(text) if len(word) > 2 and not is_stopword(word)]


def is_clean_word(token: str) -> bool:
    """True for a token a reader sees as a word, not as a formula symbol or a glued run."""
    core = token.strip(".,;:!?()[]\"'„“”»«")
    if len(core) < 2 or not _WORD.fullmatch(core):
        return False
    # pypdf glues words when a line has no spaces ("eintopologischerRaummitX").
    return len(core) <= 24 and not _MIXED_CASE.search(core)


def prose_ratio(text: str) -> float:
    """Share of the whitespace-separated tokens that are clean words (1.0 for plain prose)."""
    tokens = text.split()
    if not tokens:
        return 0.0
    clean = sum(1 for token in tokens if is_clean_word(token) or token.casefold() in STOPWORDS)
    return clean / len(tokens)


def detect_language(text: str) -> str:
    """'de' or 'en', whichever language's stopwords are more common in the text."""
    sample = [word.casefold() for word in words(text[:20000])]
    german = sum(1 for word in sample if word in STOPWORDS_DE and word not in STOPWORDS_EN)
    english = sum(1 for word in sample if word in STOPWORDS_EN and word not in STOPWORDS_DE)
    return "de" if german > english else "en"


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations and ordinals intact."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group(1) == "." and _ends_with_abbreviation(text[start : match.start()]):
            continue
        end = match.end(2)
        sentences.append(text[start:end].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [sentence for sentence in sentences if sentence]


def _ends_with_abbreviation(fragment: str) -> bool:
    tokens = fragment.split()
    if not tokens:
        return False
    last = tokens[-1].lstrip('("„')
    if last.replace(".", "").casefold() in _ABBREVIATIONS and not last.isupper():
        return True
    if last.isdigit() and len(last) <= 2:
        return True  # German ordinals and dates: "31. Dezember", "2. Fall"
    # "z. B." and "o. B. d. A." are chains of single letters; a lone capital is a variable
    # ending a sentence ("... offen in X. Dann").
    previous = tokens[-2] if len(tokens) > 1 else ""
    return len(last) == 1 and last.isalpha() and len(previous) == 2 and previous.endswith(".")
