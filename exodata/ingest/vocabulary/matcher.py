"""The annotator: every occurrence of a curated concept in a publication's title, abstracts and keywords.

How a field is matched (one Aho-Corasick automaton, built once, serves both full terms and abbreviations; see
:class:`_Entry`):

1. Full terms (labels, synonyms, Chinese terms and their derived forms, see ``surface.py``) are matched on the
   field's *match key* (case-folded, without spaces/hyphens/apostrophes) and mapped back to exact offsets; a
   Latin term must start and end on a word boundary of the original text.
2. Abbreviations are matched case-sensitively on the original text, whole word ("MSC", "MSCs"; not "msc").
3. Named microRNAs ("miR-21-5p", "microRNA-155", "let-7a") are found by a pattern, because their written forms
   are open-ended; a name the vocabulary lists links to its own concept, any other to the microRNA class.
4. Composed phrases: an anatomy term followed by "injury", "fibrosis", "failure", ... is one disease mention;
   followed by "regeneration", "repair" or "healing" it is one process mention (gold rule 6).
5. Longest match wins; a shorter term inside a chosen one is not reported (gold rule 5).  Stop-list phrases take
   part in this choice and are then dropped.
6. "long form (ABBR)": when the long form is a mention and ABBR is not a vocabulary entry, every whole-word
   ABBR in the same record (and its plural/singular) becomes a mention of the long form's concept.

Exosome/extracellular-vesicle terms are not in the vocabulary (they are the dataset's subject, gold rule 1), so
"MSC" in "MSC-derived exosomes" is found as a cell type and "exosomes" is not reported.
"""

from __future__ import annotations

import re
from functools import partial
from operator import itemgetter
from typing import NamedTuple

from exodata.ingest.vocabulary.concepts import Concept, load_stoplist
from exodata.ingest.vocabulary.surface import (
    APOSTROPHES,
    HYPHENS,
    abbreviation_forms,
    full_term_forms,
    key_of,
    match_key_and_junctions,
)
from exodata.metadata.tables import ANNOTATED_FIELDS

#: Texts up to this many characters have their candidates remembered, up to this many texts.
SHORT_TEXT = 80
SHORT_TEXTS_KEPT = 20_000
MICRORNA_CLASS = "SO:0000276"

_DISEASE_HEADS = (
    r"injury|injuries|damage|fibrosis|failure|dysfunction|diseases?|disorders?|cancers?|tumou?rs?|carcinomas?|"
    r"ischa?emia|degeneration|lesions?|defects?|ulcers?|inflammation|infarction|insufficiency|aging|ageing"
)
_DISEASE_MODIFIERS = (
    r"acute|chronic|severe|traumatic|ischa?emic|diabetic|neonatal|perinatal|septic|sepsis[-\u2010 ]induced|"
    r"sepsis[-\u2010 ]associated|drug[-\u2010 ]induced|radiation[-\u2010 ]induced|age[-\u2010 ]related|"
    r"degenerative|autoimmune|inflammatory|progressive|end[-\u2010 ]stage|hypoxic[-\u2010 ]ischa?emic|"
    r"ischa?emia[-/\u2010 ]reperfusion|ischa?emic[-/\u2010 ]reperfusion|hyperoxic|hyperoxia[-\u2010 ]induced"
)
_SEP = "[ " + re.escape(HYPHENS) + "]"
_REPAIR_HEADS = r"regeneration|repair|healing|regrowth"
_DISEASE_HEAD = re.compile(rf"\b(?:{_DISEASE_MODIFIERS}){_SEP}+$", re.IGNORECASE)
#: A disease head (``_DISEASE_HEADS``) or a repair head (``_REPAIR_HEADS``) after separators, in one pattern
#: (group "disease" or "repair"), and what both open with.
_TAIL = re.compile(rf"{_SEP}+(?:(?P<disease>{_DISEASE_HEADS})|(?P<repair>{_REPAIR_HEADS}))\b", re.IGNORECASE)
_TAIL_OPENERS = frozenset(" " + HYPHENS)

_MIRNA = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:hsa|mmu|rno)-)?(?:miR|MiR|MIR|mir|microRNA|MicroRNA|miRNA|miRNA)[-\u2010 ]?"
    r"(\d{1,4}[a-z]?(?:-\d)?)(?:-[35]p)?(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])(?:(?:hsa|mmu|rno)-)?let-7[a-k]?(?:-[35]p)?(?![A-Za-z0-9])"
)
_DEFINITION = re.compile(r"\s*\(\s*([A-Za-z][A-Za-z0-9\-\u2010/]{0,10}[A-Za-z0-9])\s*\)")


class Mention(NamedTuple):
    """One occurrence of a concept: ``(fields[field] or keywords[keyword_position - 1])[start:end] == text``.

    A named tuple: about 27 are made per record and they cross process boundaries with ``--jobs``.
    """

    concept_id: str
    category: str
    field: str
    keyword_position: int | None
    start: int
    end: int
    text: str


#: ``_mention((concept_id, category, field, keyword_position, start, end, text))``, positional and fast.
_mention = partial(tuple.__new__, Mention)


class _Candidate(NamedTuple):
    """A span a term, name or phrase was found at (a tuple: thousands are made per abstract)."""

    start: int
    end: int
    concept: Concept | None  # None: a stop-list phrase
    rank: int  # tie-break between equal spans: lower wins (listed term < composed phrase)


#: ``_candidate((start, end, concept, rank))``: a :class:`_Candidate` without the keyword-capable ``__new__``,
#: which costs more than the tuple itself (about 25 are made per abstract).
_candidate = partial(tuple.__new__, _Candidate)


class _Entry(NamedTuple):
    """What one match key stands for in the single automaton (its value).

    Full terms are matched on the match key; abbreviations are case-sensitive and matched on the text itself,
    but an abbreviation's text always yields its own lower-cased key at the same place (its first and last
    characters are kept by the key, see :func:`_found_through_key`), so one scan of the key finds both: a key
    hit is an abbreviation where the text there is exactly the abbreviation.  One scan instead of two, and the
    word-boundary test made once per hit.
    """

    length: int  # of the key
    term: Concept | None | object  # full term's concept; None for a stop-list phrase; _NO_TERM if none
    adjective: Concept | None  # anatomy adjective heading composed phrases (only when no full term)
    abbreviations: tuple[tuple[str, Concept], ...]  # (exact form, concept) for abbreviations with this key
    organ: Concept | None  # the term's concept when it is an anatomy term (it heads composed phrases too)


_NO_TERM = object()


def _found_through_key(form: str) -> bool:
    """Whether every exact occurrence of ``form`` in a text shows up as a hit of ``key_of(form)`` on its key.

    True when the form's first and last characters are kept by the key (so the hit maps back to the whole
    occurrence) and every kept character lower-cases to one character regardless of context (``str.lower``
    of a whole text folds 'Σ' by context and keeps two-character folds such as 'İ' as written).
    """
    kept = [char for char in form if not char.isspace() and char not in HYPHENS + APOSTROPHES]
    return (
        bool(kept)
        and form[0] == kept[0]
        and form[-1] == kept[-1]
        and all(len(char.lower()) == 1 and char != "\u03a3" for char in kept)
    )


#: Characters that make a word boundary matter: Latin letters and digits only.
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _on_word_boundary(text: str, start: int, end: int) -> bool:
    """Both ends of text[start:end] are word boundaries, judged only for Latin letters and digits."""
    glued_at_start = start > 0 and text[start] in _WORD_CHARS and text[start - 1] in _WORD_CHARS
    glued_at_end = end < len(text) and text[end - 1] in _WORD_CHARS and text[end] in _WORD_CHARS
    return not (glued_at_start or glued_at_end)


#: Every written miRNA name contains one of these (lower-cased), at most this far after its start ("hsa-").
_MIRNA_CORES = ("mir", "microrna", "let-7")
_MIRNA_KEY_CORES = ("mir", "microrna", "let7")  # as the match key writes them
_MIRNA_PREFIX = 4


def mirna_matches(text: str, key: str | None = None, index: memoryview | None = None) -> list[re.Match[str]]:
    """What ``_MIRNA.finditer(text)`` yields, without running the pattern over the whole text.

    The pattern opens with a look-behind, so the regex engine cannot skip ahead and tries it at every
    character; here it is tried only where a name can start: at each core ("mir", "microrna", "let-7",
    found with ``str.find``) or just before it.  Trying those starts in order and going on from the end of
    each match is exactly how ``finditer`` proceeds, since no match starts anywhere else (and a start where
    nothing matches changes nothing: ``finditer`` tried it too).

    Given the text's match key and index (:func:`match_key_and_junctions`), the cores are looked for in the
    key, which the annotator has at hand: its ASCII letters are lower-cased one by one, and a core written
    in the text is a run of such letters (and a hyphen the key drops), so every core is found, at its index
    (plus a few that are not one, such as "mi r", which only add starts).  This saves lower-casing each text.
    """
    starts = set()
    if key is not None and index is not None:
        for core in _MIRNA_KEY_CORES:
            at = key.find(core)
            while at >= 0:
                position = index[at]
                starts.update((position, max(0, position - _MIRNA_PREFIX)))
                at = key.find(core, at + 1)
    else:
        lowered = text.lower()
        if len(lowered) != len(text):  # case folding moved the offsets ('İ'): scan the plain way
            return list(_MIRNA.finditer(text))
        for core in _MIRNA_CORES:
            at = lowered.find(core)
            while at >= 0:
                starts.update((at, max(0, at - _MIRNA_PREFIX)))
                at = lowered.find(core, at + 1)
    matches, position = [], 0
    for start in sorted(starts):
        if start < position:
            continue
        match = _MIRNA.match(text, start)
        if match is not None:
            matches.append(match)
            position = match.end()
    return matches


_LET7 = re.compile(r"let-7[a-k]?", re.IGNORECASE)
_MIRNA_NUMBER = re.compile(r"(\d{1,4}[a-z]?)")


def _mirna_name(text: str) -> str:
    """A canonical name for a written miRNA ("microRNA-21-5p" -> "mir-21") used to find its concept."""
    found = _LET7.search(text)
    if found:
        return found.group(0).lower()
    number = _MIRNA_NUMBER.search(text)
    return f"mir-{number.group(1).lower()}" if number else text.lower()


class Annotator:
    """Builds the automata once from a vocabulary; :meth:`annotate` is then a pure function of its inputs."""

    def __init__(self, vocabulary: list[Concept], stoplist: tuple[str, ...] | None = None):
        import ahocorasick

        self.concepts = {c.concept_id: c for c in vocabulary}
        self._mirnas: dict[str, Concept] = {}
        self._abbreviations: set[str] = set()
        self._anatomy_adjectives: dict[str, Concept] = {}
        full: dict[str, Concept | None] = {}
        abbreviations: dict[str, Concept] = {}  # exact form -> concept (a later concept takes a form over)
        for concept in vocabulary:
            for term in ([concept.label] if concept.match_label else []) + concept.synonyms:
                for form in full_term_forms(term):
                    full.setdefault(key_of(form), concept)
            for term in concept.zh:
                full.setdefault(key_of(term), concept)
            for abbreviation in concept.abbreviations:
                for form in abbreviation_forms(abbreviation):
                    abbreviations[form] = concept
                    self._abbreviations.add(form)
                    if concept.category == "cargo" and re.match(r"(?:miR|let)-", form):
                        self._mirnas[_mirna_name(form)] = concept
            for adjective in concept.adjectives:
                self._anatomy_adjectives[key_of(adjective)] = concept
        for phrase in stoplist if stoplist is not None else load_stoplist():
            for form in full_term_forms(phrase):
                full[key_of(form)] = None

        entries: dict[str, tuple] = {}  # key -> (term, adjective, abbreviations)
        for key, concept in full.items():
            if key:
                entries[key] = (concept, None, ())
        for key, concept in self._anatomy_adjectives.items():
            # adjectives only head composed phrases ("renal fibrosis"): they are never mentions on their own
            if key not in full:
                entries[key] = (_NO_TERM, concept, ())
        # forms the key cannot find (none in the shipped vocabulary) keep a scan of the text of their own
        self._odd_abbreviations = ahocorasick.Automaton()
        for form, concept in abbreviations.items():
            if _found_through_key(form):
                term, adjective, forms = entries.get(key_of(form), (_NO_TERM, None, ()))
                entries[key_of(form)] = (term, adjective, forms + ((form, concept),))
            else:
                self._odd_abbreviations.add_word(form, (len(form), concept))
        self._automaton = ahocorasick.Automaton()
        for key, (term, adjective, forms) in entries.items():
            organ = term if isinstance(term, Concept) and term.category == "anatomy" else None
            self._automaton.add_word(key, _Entry(len(key), term, adjective, forms, organ))
        self._automaton.make_automaton()
        if len(self._odd_abbreviations):
            self._odd_abbreviations.make_automaton()
        self._microrna = self.concepts.get(MICRORNA_CLASS)
        self._disease = self.concepts.get("MONDO:0000001")  # heads composed "liver injury" phrases
        self._repair = self.concepts.get("GO:0031099")  # heads composed "tissue repair" phrases
        self._short_texts: dict[str, tuple[list[_Candidate], list[tuple[str, str, int, int, str]]]] = {}

    # -- candidates ----------------------------------------------------------------------------------

    def _key_candidates(
        self, text: str, key: str, index: memoryview, glued: bytes
    ) -> tuple[list[_Candidate], list[_Candidate], list[tuple[int, int, Concept]], list[tuple[int, int, Concept]]]:
        """Full terms, abbreviations, anatomy terms (also among the full terms) and anatomy adjectives on word
        boundaries, from one scan of the match key (see :func:`match_key_and_junctions`).

        The lists keep the order the two separate scans (key, then text) used to give, as ties in
        :meth:`_select` and :meth:`_qualified_processes` follow it.  Anatomy terms are listed here, in the
        order of the full terms, rather than filtered out of them afterwards.
        """
        full: list[_Candidate] = []
        abbreviations: list[_Candidate] = []
        organs: list[tuple[int, int, Concept]] = []
        adjectives: list[tuple[int, int, Concept]] = []
        if key:
            no_term, candidate = _NO_TERM, _candidate  # locals: this loop runs ~35 times per abstract
            for key_end, (length, term, adjective, forms, organ) in self._automaton.iter(key):
                # not on a word boundary: half the hits, two thirds of those at their end ("MI" in "microRNA",
                # "stem cell" in "stem cells"), so the end is tested before the start is looked up
                end = index[key_end] + 1
                if glued[end]:
                    continue
                start = index[key_end - length + 1]
                if glued[start]:
                    continue
                if term is not no_term:
                    full.append(candidate((start, end, term, 0)))
                    if organ is not None:
                        organs.append((start, end, organ))
                elif adjective is not None:
                    adjectives.append((start, end, adjective))
                for form, concept in forms:
                    if text[start:end] == form:
                        abbreviations.append(candidate((start, end, concept, 0)))
        if len(self._odd_abbreviations):
            abbreviations += self._odd_abbreviation_candidates(text, glued)
            abbreviations.sort(key=lambda c: (c.end, c.start))  # scan order: by end, longer first
        return full, abbreviations, organs, adjectives

    def _odd_abbreviation_candidates(self, text: str, glued: bytes) -> list[_Candidate]:
        found = []
        for end_index, (length, concept) in self._odd_abbreviations.iter(text):
            start, end = end_index - length + 1, end_index + 1
            if not (glued[start] or glued[end]):
                found.append(_candidate((start, end, concept, 0)))
        return found

    def _mirna_candidates(self, text: str, key: str | None = None, index: memoryview | None = None) -> list[_Candidate]:
        found = []
        for match in mirna_matches(text, key, index):
            concept = self._mirnas.get(_mirna_name(match.group(0))) or self._microrna
            if concept is not None:
                found.append(_candidate((match.start(), match.end(), concept, 1)))
        return found

    def _composed_candidates(
        self,
        text: str,
        anatomy: list[tuple[int, int, Concept]],
        disease: Concept | None,
        repair: Concept | None,
        full: list[_Candidate],
    ) -> list[_Candidate]:
        """Anatomy + "injury"/"fibrosis"/... -> disease; anatomy + "regeneration"/"repair" -> process.

        Both tails open with a separator, and no word of one is a word of the other (their first letters
        differ), so one pattern tells which tail follows, if any, and a look at the next character rules most
        anatomy terms out without it.  The full terms by span are looked up only when a disease tail is found.
        """
        found = []
        listed = None
        length = len(text)
        for start, end, _organ in anatomy:
            if end >= length or text[end] not in _TAIL_OPENERS:
                continue
            tail = _TAIL.match(text, end)
            if tail is None:
                continue
            if tail.start("disease") >= 0:
                if disease is not None:
                    head = _DISEASE_HEAD.search(text, max(0, start - 48), start)  # modifiers sit just before
                    # "chronic liver injury": keep the listed concept of "liver injury" when there is one
                    if listed is None:
                        listed = {(c[0], c[1]): c[2] for c in full if c[2] is not None}
                    inner = listed.get((start, tail.end()))
                    concept = inner if inner is not None and inner.category == "disease" else disease
                    found.append(_candidate((head.start() if head else start, tail.end(), concept, 2)))
            elif repair is not None:
                found.append(_candidate((start, tail.end(), repair, 2)))
        return found

    # -- selection -----------------------------------------------------------------------------------

    @staticmethod
    def _select(candidates: list[_Candidate], length: int) -> list[_Candidate]:
        """Longest match wins; among equal spans the listed term wins; chosen spans never overlap.

        Candidates are tried longest first, then by lower rank, then by earlier start, ties kept in list order
        (the sort key carries the position).  Each chosen span marks its characters in ``taken``.  A candidate
        is never longer than a span chosen before it, so it overlaps one exactly when its first or its last
        character is marked (a chosen span strictly inside it would be shorter): two byte look-ups, not a
        ``find`` over the span.  (Every candidate is non-empty: terms, names and abbreviations are.)
        """
        if not candidates:
            return []
        order = sorted([(c[0] - c[1], c[3], c[0], i) for i, c in enumerate(candidates)])
        taken = bytearray(length)  # of the text: every candidate ends within it
        chosen: list[_Candidate] = []
        for _, _, start, i in order:  # (not "*_, i": that makes a list per candidate)
            candidate = candidates[i]
            end = candidate[1]
            if taken[start] or taken[end - 1]:
                continue
            chosen.append(candidate)
            taken[start:end] = b"\x01" * (end - start)
        return chosen

    def _annotate_text(self, text: str) -> tuple[list[_Candidate], list[tuple[str, str, int, int, str]]]:
        """The chosen candidates of one text and their :func:`_mention_rows` (never modified by callers).

        Short texts are remembered: they are mostly keywords, and a corpus repeats the same few hundred
        keywords ("Exosomes", "Mesenchymal stem cells") on most of its records.  The memory is bounded: it
        is emptied when full.
        """
        if len(text) > SHORT_TEXT:
            chosen = self._find_in_text(text)
            return chosen, _mention_rows(text, chosen)
        found = self._short_texts.get(text)
        if found is None:
            if len(self._short_texts) >= SHORT_TEXTS_KEPT:
                self._short_texts.clear()
            chosen = self._find_in_text(text)
            found = self._short_texts[text] = (chosen, _mention_rows(text, chosen))
        return found

    def _find_in_text(self, text: str) -> list[_Candidate]:
        key, index, glued = match_key_and_junctions(text)
        full, abbreviations, anatomy, adjectives = self._key_candidates(text, key, index, glued)
        candidates = full + abbreviations + self._mirna_candidates(text, key, index)
        if anatomy or adjectives:
            candidates += self._composed_candidates(text, anatomy + adjectives, self._disease, self._repair, full)
        chosen = self._select(candidates, len(text))
        return chosen + self._qualified_processes(candidates, chosen)

    @staticmethod
    def _qualified_processes(candidates: list[_Candidate], chosen: list[_Candidate]) -> list[_Candidate]:
        """Gold rule 6: "diabetic chronic wound repair" is disease "diabetic chronic wound" + process "wound repair".

        A process term that starts inside a chosen disease mention and runs past its end is kept as well, the
        one place where two mentions overlap.

        Only a process term that straddles the end of a chosen disease mention can qualify, so the chosen
        disease mentions are listed first (most texts have none: nothing more to do) and each process term is
        held against them before its hosts are counted.  A term that straddles a chosen span is not chosen
        itself (chosen spans do not overlap), which the test ``candidate in chosen`` used to establish.
        """
        extra: list[_Candidate] = []
        diseases = [c for c in chosen if c[2] is not None and c[2].category == "disease"]
        if not diseases:
            return extra
        for candidate in candidates:
            concept, start, end = candidate[2], candidate[0], candidate[1]
            if concept is None or concept.category != "process":
                continue
            if not any(d[0] < start < d[1] < end for d in diseases):
                continue
            hosts = [c for c in chosen if c.start < candidate.end and candidate.start < c.end]
            if (
                len(hosts) == 1
                and hosts[0].concept is not None
                and hosts[0].concept.category == "disease"
                and hosts[0].start < candidate.start < hosts[0].end < candidate.end
                and not any(e.start < candidate.end and candidate.start < e.end for e in extra)
            ):
                extra.append(candidate)
        return extra

    # -- public --------------------------------------------------------------------------------------

    def annotate(self, fields: dict[str, str | None], keywords: list[str] | None = None) -> list[Mention]:
        """Every mention in the given fields and keywords; ``text == source[start:end]`` always holds."""
        sources: list[tuple[str, int | None, str]] = []
        for name in ANNOTATED_FIELDS:
            value = fields.get(name)
            if value:
                sources.append((name, None, value))
        for position, keyword in enumerate(keywords or [], start=1):
            if keyword:
                sources.append(("keyword", position, keyword))

        chosen = [(name, position, text, self._annotate_text(text)) for name, position, text in sources]
        defined = self._defined_abbreviations(chosen)
        # Sources come in the order of MENTION_FIELDS (the annotated fields, then the keywords in theirs), so
        # sorting each source by (start, concept id) and concatenating is the stable sort of all mentions by
        # (field, keyword position, start, concept id).
        mentions: list[Mention] = []
        for name, position, text, (candidates, rows) in chosen:
            if defined:
                extended = self._add_defined(text, candidates, defined)
                if extended is not candidates:
                    rows = _mention_rows(text, extended)
            mentions += [_mention((cid, category, name, position, s, e, t)) for cid, category, s, e, t in rows]
        return mentions

    # -- abbreviations defined in the record ---------------------------------------------------------

    def _defined_abbreviations(self, chosen) -> dict[str, Concept]:
        """ABBR -> concept for every "long form (ABBR)" whose long form is a mention and ABBR is not listed."""
        defined: dict[str, Concept] = {}
        for _name, _position, text, (candidates, _rows) in chosen:
            if "(" not in text:  # most texts (all keywords, nearly): no definition to look for
                continue
            ends = _definition_ends(text)
            for candidate in candidates:
                if candidate[1] not in ends or candidate[2] is None:
                    continue
                match = _DEFINITION.match(text, candidate.end)
                if not match:
                    continue
                abbreviation = match.group(1)
                if abbreviation in self._abbreviations or not _abbreviates(
                        abbreviation, text[candidate.start : candidate.end]):
                    continue
                singular = abbreviation[:-1] if abbreviation.endswith("s") else abbreviation
                for form in {abbreviation, abbreviation + "s", singular}:
                    if form not in self._abbreviations and len(form) >= 2:
                        defined.setdefault(form, candidate.concept)
        return defined

    @staticmethod
    def _add_defined(text: str, candidates: list[_Candidate], defined: dict[str, Concept]) -> list[_Candidate]:
        """The candidates plus every whole-word occurrence of a defined abbreviation that overlaps none of them.

        Occurrences are found left to right, each search going on from the end of the last occurrence (as a
        regex of the escaped abbreviation would find them), with ``str.find``: this runs for every text of a
        record that defines one, keywords included.
        """
        extra = []
        for abbreviation, concept in defined.items():
            start = text.find(abbreviation)
            while start >= 0:
                end = start + len(abbreviation)
                if _on_word_boundary(text, start, end) and not any(start < c.end and c.start < end
                                                                   for c in candidates):
                    extra.append(_candidate((start, end, concept, 0)))
                start = text.find(abbreviation, end)
        return candidates + Annotator._select(extra, len(text)) if extra else candidates


def _mention_rows(text: str, candidates: list[_Candidate]) -> list[tuple[str, str, int, int, str]]:
    """``(concept id, category, start, end, text)`` of each mention, sorted by start then concept id (stably).

    Kept per text, so that a remembered keyword does not sort and slice its mentions again on every record.

    The candidates start at distinct places, so sorting by start alone is that sort (and a cheaper one):
    chosen spans do not overlap; a qualified process starts strictly inside its one host and overlaps nothing
    else; an abbreviation defined in the record overlaps no other candidate.
    """
    found = sorted([c for c in candidates if c[2] is not None], key=_START)
    return [(concept.concept_id, concept.category, start, end, text[start:end]) for start, end, concept, _ in found]


_START = itemgetter(0)


def _definition_ends(text: str) -> set[int]:
    """Where a mention must end for ``_DEFINITION`` to match after it: at an "(" or white space leading to one.

    (``\\s`` of a str pattern is ``str.isspace``.)  Most mentions end elsewhere; they skip the pattern.
    """
    ends: set[int] = set()
    at = text.find("(")
    while at >= 0:
        start = at
        while start > 0 and text[start - 1].isspace():
            start -= 1
        ends.update(range(start, at + 1))
        at = text.find("(", at + 1)
    return ends


_LATIN_WORD = re.compile(r"[A-Za-z]+")


def _abbreviates(abbreviation: str, long_form: str) -> bool:
    """A plausible abbreviation of the long form: same first letter, its capitals appear in order in it."""
    letters = [c.lower() for c in abbreviation if c.isalpha()]
    words = _LATIN_WORD.findall(long_form)
    if not letters or not words or letters[0] != words[0][0].lower():
        return False
    capitals = [c.lower() for c in abbreviation if c.isupper()]
    if len(capitals) < 2:
        return False
    remaining = long_form.lower()
    position = 0
    for letter in capitals:
        position = remaining.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True
