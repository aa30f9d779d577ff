"""Bylines and credit lines of a seed's header: their shapes, and the names a byline gives.

A byline names people, not a sentence: "By Jane Doe", "By Jane Doe and John Smith", "By Jane Doe,
Staff Reporter", "By Jane Doe | Global Times", "Par Marie Dupont et Jean Martin, à Paris". Each
name is a few capitalised words (particles such as "de" or "van" aside) and the line ends no
sentence, so a first paragraph that starts with "By the end of the year," or "Par ailleurs, …"
stays body text. A credit line names where a picture comes from: "Photo: Xinhua", "Photo : AFP",
"Spy Photo: VCG", "Photo/VCG", "Photos by Jane Doe", "(Photo: CFP)".
"""
from __future__ import annotations

import re

from diglot.seeds.dates import MONTHS, WEEKDAYS

MAX_BYLINE = 160
MAX_NAME_WORDS = 5
MAX_AFFILIATION_WORDS = 10
MAX_CREDITED_CHARS = 80
MAX_CREDITED_WORDS = 10
_CLOSERS = "\"'”’»)]\u00a0\u202f "

_BY = re.compile(
    r"(?:(?:written|reported|reporting|story|text|words|photos?\s+and\s+text)\s+by|by|par)\s*[:：]?\s+(?P<rest>\S.*)"
    r"|(?:authors?|auteure?s?|byline|texte?|reporters?|journalistes?|r[ée]daction)\s*[:：]\s*(?P<labelled>\S.*)",
    re.IGNORECASE)
# Where the names end and an affiliation or place begins.
_AFFILIATION = re.compile(r"\s*[|/(\[]|\s+[-–—]\s+")
_COMMA = re.compile(r"\s*[,;]\s*")
_AND = re.compile(r"(?:^|\s+)(?:and|et|&|und)\s+", re.IGNORECASE)
_PLACE = re.compile(r"\s+(?:in|à|a|at|from|depuis|en|au|aux|for|pour)\s+\S.*$", re.IGNORECASE)
_PARTICLES = frozenset("de du des d' la le van von der den da di del della dos das do bin ibn al el ter ten zu "
                       "y".split())
_INITIAL = re.compile(r"[^\W\d_]\.(?:[^\W\d_]\.)*|(?:Jr|Sr|Snr|Jnr)\.?|I{1,3}|IV", re.UNICODE)
_NAME_WORD = re.compile(r"(?:[dDlL]['’])?[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?")
# Capitalised words that open sentences after "By", never a name: "By Then", "By Contrast".
_NOT_NAMES = frozenset("the this that these those then now contrast comparison far law default way day night "
                       "noon midnight early late end next last all some most many each every our their his her "
                       "its my your one two three four five how what when which while doing using taking "
                       "making le la les un une ce cette ces son sa ses leur leurs".split())
_STAFF_WORDS = frozenset("our notre nos la le les du de des the a an and et à a in en au at".split())
# Words of a role, not of a name: "By Jane Doe, Staff Reporter and Photographer".
_ROLES = frozenset("staff reporter reporters correspondent correspondents editor editors writer writers "
                   "photographer photographers contributor contributors columnist journalist journalists "
                   "intern bureau chief senior special agency agencies desk team envoyé envoyée envoyés "
                   "envoyées spécial spéciale spéciaux correspondant correspondante correspondants "
                   "journaliste journalistes rédaction rédacteur rédactrice stagiaire chroniqueur "
                   "chroniqueuse photographe service".split())

_CREDIT_WORD = (r"(?:photo(?:graph)?s?|photographies?|photo\s+credits?|cr[ée]dits?(?:\s+photos?)?|credits?"
                r"|images?|pictures?|pics?|illustrations?|graphics?|infographics?|infographies?"
                r"|vid[ée]os?|cartoons?|dessins?|file\s+photos?|sources?|editors?|edited|[ée]diteur|[ée]ditrice"
                r"|translated|translators?|translation|traduction|traduit|traductrice|traducteur)")
_CREDIT_HINT = re.compile(r"photo|cr[ée]dit|image|pic|illustration|graphic|infograph|vid[ée]o|cartoon|dessin"
                          r"|source|edit|translat|tradu",
                          re.IGNORECASE)
_CREDIT = re.compile(
    r"\(?(?P<prefix>(?:[^\W\d_][\w'’-]*\s+){0,4}?|.{1,160}?[.!?»”)]\s+)"
    rf"{_CREDIT_WORD}"
    r"(?:(?P<colon>\s*[:：]\s*|(?<=photo)\s*/\s*|(?<=photos)\s*/\s*)|\s+(?:by|de|par|courtesy(?:\s+of)?|credit)\s+)(?P<who>\S.*?)\)?",
    re.IGNORECASE,
)


def ends_sentence(text: str) -> bool:
    """Tell whether text ends a sentence (closing quotes and brackets aside)."""
    core = text.rstrip(_CLOSERS)
    return bool(core) and core[-1] in ".!?…:;,"


def is_credit(line: str) -> bool:
    """Tell whether a line is a photo credit such as "Spy Photo: VCG", "Photo : VCG" or "Photo/VCG"."""
    if len(line) > 200 or not _CREDIT_HINT.search(line):
        return False  # cheap tests first: every short body paragraph is asked
    match = _CREDIT.fullmatch(line)
    if not match:
        return False
    who = match["who"].strip()
    words = who.split()
    # A credit names a source in a few words; "photos: one of them shows …" is a sentence.
    # "Photo by Jane Doe" names someone; "Image by image, …" does not.
    return ((match["colon"] is not None or who[0].isupper()) and len(who) <= MAX_CREDITED_CHARS and len(words) <= MAX_CREDITED_WORDS
            and (not ends_sentence(who) or len(words) <= 4))


def read_byline(line: str) -> tuple[str, ...] | None:
    """The names a byline gives ("By A and B, Global Times" → A, B; "By Staff Reporter" → none);
    None when the line is no byline."""
    match = _BY.fullmatch(line) if len(line) <= MAX_BYLINE else None
    if not match or (ends_sentence(line) and not _INITIAL.fullmatch(line.split()[-1])):
        return None
    rest = (match["rest"] or match["labelled"]).strip()
    if len(rest.split()) > MAX_NAME_WORDS * 2 + MAX_AFFILIATION_WORDS:
        return None
    segments = _COMMA.split(_AFFILIATION.split(rest)[0])
    # "A, B and C, Global Times": the names run to the last segment with an "and"; the rest is a
    # role, a place or a publication. Without an "and", only the first segment names anyone.
    last = max((i for i, segment in enumerate(segments) if _AND.search(segment)), default=0)
    names = split_names(segments[:last + 1]) or split_names(segments[:1])
    if not names:
        return () if is_staff(rest) else None
    lone = len(names) == 1 and len(names[0].split()) == 1 and not names[0].isupper()
    if lone and rest != names[0] and not match["labelled"]:
        return None  # "By Friday, the ministry had…": one word and then more is a sentence's start
    return tuple(tidy_name(name) for name in names)


def is_staff(text: str) -> bool:
    """Tell whether a byline names a role, not a person: "Staff Reporter", "notre correspondant",
    "Global Times staff" (a publication's capitalised name may come with the role)."""
    words = [word.strip(",.()|") for word in text.split()]
    return (any(word.lower() in _ROLES for word in words)
            and all(word.lower() in _ROLES or word.lower() in _STAFF_WORDS or word[:1].isupper() for word in words))


def split_names(segments: list[str]) -> list[str]:
    """The names in segments such as "A", "B and C in Beijing", or [] unless every one is a name."""
    names = [_PLACE.sub("", part.strip()) for segment in segments for part in _AND.split(segment) if part.strip()]
    return names if names and all(map(is_name, names)) else []


def is_name(text: str) -> bool:
    """Tell whether text is a person's or agency's name: a few capitalised words, no digits."""
    words = text.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS or words[0].lower().strip(".") in _NOT_NAMES:
        return False
    if any(word.lower() in _ROLES for word in words):
        return False
    capitalised = 0
    for word in words:
        bare = word.lower().strip(".")
        if bare in _PARTICLES:
            continue
        if not _NAME_WORD.fullmatch(word) and not _INITIAL.fullmatch(word):
            return False
        if not word[0].isupper() or bare in MONTHS or bare in WEEKDAYS or re.search(r"['’]s$", word):
            return False
        capitalised += 1
    return capitalised > 0


def tidy_name(name: str) -> str:
    """A name as shown: a name written in capitals ("JANE DOE") in title case; acronyms ("AFP") kept."""
    letters = [char for char in name if char.isalpha()]
    if len(name.split()) > 1 and all(char.isupper() for char in letters):
        return name.title()
    return name


def is_byline(line: str) -> bool:
    """Tell whether a line is a byline ("By Jane Doe", "Par Marie Dupont et Jean Martin")."""
    return read_byline(line) is not None
