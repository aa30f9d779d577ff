"""Offline language detection: the script, then stop words; English and French told apart finely.

Three steps, each cheap (no model, no dependency):

1. Script. Letters outside the Latin blocks are counted by Unicode block; when they outnumber the
   Latin ones (a Chinese character weighs as a word, several letters) the script names the
   language: Han without kana is Chinese, kana Japanese, Hangul Korean, Cyrillic Russian (or
   Ukrainian, Serbian, Bulgarian by their own letters), Arabic, Hebrew, Greek, Devanagari …
2. Latin languages. Each language has a list of frequent function words; a word on two lists
   ("la", "que", "de") votes for neither, and a few letters only one language writes (ñ, ã, ß, ł)
   vote too. A language other than English or French wins when it has the most votes and at
   least MIN_OTHER_VOTES, so a stray "die" or "dit" in a short English or French text never
   decides; a long text with almost no votes for any language is "und" (unrecognised).
3. English or French: each cue is one vote: a stop word votes for its language; a word with a
   French accent, an elision (`l'État`, `qu'ils`), a guillemet or a space before `: ; ! ?` votes
   French. This step is unchanged from the two-language detector, so English and French seeds get
   exactly the decisions they got before.

The confidence is the winner's share of the votes, smoothed towards 0.5 so that a text with
little evidence is reported as a guess.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from itertools import filterfalse

# Words frequent in one language and rare in the other; ambiguous ones such as
# "a", "on", "son", "me" or "pour" are left out on purpose.
ENGLISH_WORDS = frozenset(
    "the and of to is are was were that this these those with for from by have has had "
    "be been not which will would they their them his her its an at as or but who what "
    "when said about into than there it we you our after".split()
)
FRENCH_WORDS = frozenset(
    "le la les des du un une et est sont dans par sur avec qui que ne pas au aux ces cette "
    "il elle ils elles nous vous mais ou leur leurs se plus selon été être ont était "
    "aussi entre contre sans sous depuis".split()
)

# Every pattern below opens with a plain character class, so the regex engine skips
# straight to the rare characters that can start a match instead of trying every position.
_WORD = re.compile(r"[^\W\d_]+")
# A word with a French accent, matched from its first accented letter to its end: one
# match per such word, however many accents it holds.
_ACCENTED_WORD = re.compile(r"[éèêëàâçùûîïôœ][^\W\d_]*")
# An elision's apostrophe: after a lone c, d, j, l, m, n, s, t or qu, before a letter.
_ELISION = re.compile(
    r"['’](?=[^\W\d_])(?:(?<=(?<![^\W\d_])[cdjlmnst]['’])|(?<=(?<![^\W\d_])qu['’]))", re.IGNORECASE
)
# French typography: a (no-break) space before high punctuation, and guillemets.
_SPACED_PUNCTUATION = re.compile(r"[:;!?](?<=[ \u00a0\u202f][:;!?])(?!\S)")


def count_votes(text: str, lower: str | None = None, words: list[str] | None = None) -> dict[str, int]:
    """Count the English and French cues in a text (lower, words: its lower-case form and
    split_words of that, when the caller has them already)."""
    lower = text.lower() if lower is None else lower
    words = split_words(lower) if words is None else words
    english = sum(map(ENGLISH_WORDS.__contains__, words))
    french = sum(map(FRENCH_WORDS.__contains__, words)) + len(_ACCENTED_WORD.findall(lower))
    french += len(_ELISION.findall(text)) + len(_SPACED_PUNCTUATION.findall(text))
    return {"en": english, "fr": french + text.count("«") + text.count("»")}


def split_words(text: str) -> list[str]:
    """Return a text's words (runs of letters) for counting those of a word list.

    Splitting at spaces is much faster than the word regex, and a chunk of letters only is
    one word; the regex then finds the words inside the other chunks ("l'État", "said:").
    Those chunks stay in the list too: they are no word, so no word list holds them."""
    chunks = text.split()
    return chunks + _WORD.findall(" ".join(filterfalse(str.isalpha, chunks)))


def detect_language(text: str) -> tuple[str, float]:
    """Guess a text's language (ISO 639-1 code, "und" if unrecognised), with a confidence from
    0.5 to 1: the language most of its paragraphs are in, weighed by length, and inside an English
    or French paragraph most of its sentences, so that an English article quoting French (a
    paragraph, or a sentence whose guillemets, accents and elisions are dense cues) stays English."""
    whole = detect_block(text)
    # A quotation can only win the vote of the whole text if it wins by little: a clear winner is
    # the majority language, and most texts are settled so, in one pass.
    if whole[1] >= CLEAR_WIN:
        return whole
    pieces = [piece for block in text.split("\n\n") if block.strip() for piece in weighed_pieces(block)]
    weights: Counter = Counter()
    for piece, language in pieces:
        weights[language] += len(piece) * (CJK_WEIGHT if language in CJK else 1)
    if len(weights) < 2:
        return whole  # one language throughout: the whole text's vote says how sure
    winner = weights.most_common(1)[0][0]  # a tie goes to the first piece's language
    language, confidence = detect_block("\n\n".join(p for p, g in pieces if g == winner))
    return winner, confidence if language == winner else 0.5


# Sentence ends, and a colon before a quotation: where an English or French paragraph is cut to
# weigh its sentences one by one.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?»”\"])\s+(?=[«“\"(]?[^\W\d_])|(?<=:)\s+(?=[«“\"])")


def weighed_pieces(block: str) -> list[tuple[str, str]]:
    """A paragraph with its language; an English or French one cut into its sentences, each with
    English or French by its own cues (the paragraph's language where they tie). Sentences are
    too short to tell other languages apart reliably, so those paragraphs stay whole."""
    language = detect_block(block)[0]
    if language not in ("en", "fr"):
        return [(block, language)]
    pieces = []
    for sentence in _SENTENCE_BREAK.split(block):
        votes = count_votes(sentence)
        pieces.append((sentence, language if votes["en"] == votes["fr"] else max(votes, key=votes.get)))
    return pieces


def detect_block(text: str) -> tuple[str, float]:
    """Guess the language of one paragraph or text, all of it weighed at once."""
    script = detect_script(text)
    if script is not None:
        return script
    lower = text.lower()
    words = split_words(lower)
    other = detect_other_latin(text, words)
    if other is not None:
        return other
    votes = count_votes(text, lower, words)
    language = "fr" if votes["fr"] > votes["en"] else "en"
    if len(words) >= MIN_UNRECOGNISED_WORDS and votes[language] < UNRECOGNISED_SHARE * len(words):
        return "und", 0.5
    return language, smoothed_share(votes[language], votes["en"] + votes["fr"])


# A confidence at or above this is one language's cues outnumbering the others' nine to one.
CLEAR_WIN = 0.9


def smoothed_share(winner: int, total: int) -> float:
    """The winner's share of the votes, Laplace-smoothed: no evidence gives 0.5, and one stray
    vote is not certainty."""
    return round((winner + 1) / (total + 2), 3)


# ---------------------------------------------------------------- other Latin-script languages

# Frequent function words of each language. Words on two lists vote for neither (see OWNERS), so
# a list may hold a word another language also uses; words frequent in English or French text
# ("a", "in", "on", "son", "pour", "à", "non", "si", "come", "will", "war") are left off the others.
PROFILES = {
    "en": ENGLISH_WORDS,
    "fr": FRENCH_WORDS,
    "de": frozenset(
        "der die das und ist nicht ein eine einen einem mit sich auf für dem den des zu von im auch "
        "es wird sind wurde bei nach aus hat werden oder aber wie noch über dass einer eines vor "
        "seine ihre sie er wir zum zur nur mehr um als durch sei kann gegen sagte worden unter "
        "bereits jahr jahren wenn diese dieser dieses ihr ihren keine schon".split()),
    "es": frozenset(
        "el los las del y por para con se su sus es al como más pero ya o este esta cuando muy "
        "sin sobre también fue había ha han desde todo nos durante hasta donde año años dijo "
        "según tras esto ese eso les ser está están una uno lo la que en de un él ellos cual "
        "mientras otro otros gobierno país no hay sido entre contra".split()),
    "it": frozenset(
        "il di che per del della delle dei degli nella nel alla alle al sono è gli anche più "
        "questo questa essere stato stata hanno ha lo da dal dalla una uno dopo loro tra fra "
        "ancora molto quando sul sulla cui ci questi quello suo sua ne e la un le nei negli "
        "però perché anni governo paese entro fino ogni tutti tutto tutte altri nelle negli agli "
        "ai poi già senza verso quindi oggi ieri sarà detto".split()),
    "pt": frozenset(
        "não do da dos das em no na um uma os ao aos é com pelo pela pelos pelas foi são mais "
        "também seu sua seus suas ele ela eles elas isso isto nos nas num numa muito já quando "
        "ainda depois sem mas ou onde até disse segundo anos ano governo estão está tem têm ser "
        "pode essa esse neste nesta desta deste às lhe havia foram seria entre contra que de e "
        "o se como este esta sobre país todo durante desde".split()),
    "nl": frozenset(
        "de het een van en is dat op te zijn voor met niet die aan er ook als bij maar om nog "
        "door naar heeft worden wordt werd hij zij ze deze dit tot uit jaar wel geen meer kan "
        "hebben waren onze hun zou was of zich na dan veel wat moet".split()),
    "sv": frozenset("och att det som är av för på med inte har den till om ett jag vi också "
                    "från efter sin eller sig blev skulle kan".split()),
    "da": frozenset("og af ikke er til på det som med for den har ved fra efter eller også blev "
                    "skulle kan sig hvor".split()),
    "no": frozenset("og av ikke er til på det som med for den har ved fra etter eller også ble "
                    "skulle kan seg hvor".split()),
    "pl": frozenset("się nie jest że do na jak po od za przez dla są ale który która które jego "
                    "tym tak został roku oraz być już może również w z".split()),
    "cs": frozenset("se je v na že s z jsou jako který která které také bylo byl podle pro ale "
                    "jeho jejich není již při po".split()),
    "tr": frozenset("ve bir bu da de için ile olarak çok daha olan gibi ama sonra kadar değil ise "
                    "ki".split()),
    "id": frozenset("yang dan dengan untuk ini itu dari dalam tidak akan pada juga ke karena "
                    "oleh ada mereka sudah telah bahwa".split()),
    "ro": frozenset("și în cu pe la nu care fost este sunt din pentru să despre acest această "
                    "după au fi le ale".split()),
    "fi": frozenset("ja ei että se oli ovat joka mutta myös kun tai hän sen ole".split()),
    "hu": frozenset("az és hogy nem egy van meg volt már csak még ezt azt ami aki is".split()),
    "vi": frozenset("của và các có được trong cho những với không người này một đã".split()),
}
# Letters that only one of the listed languages writes.
OWN_LETTERS = {
    **dict.fromkeys("ñ", "es"), **dict.fromkeys("ãõ", "pt"), **dict.fromkeys("ß", "de"),
    **dict.fromkeys("ąęłśźżń", "pl"), **dict.fromkeys("řěů", "cs"), **dict.fromkeys("ğış", "tr"),
    **dict.fromkeys("őű", "hu"), **dict.fromkeys("șță", "ro"), **dict.fromkeys("đơư", "vi"),
}
_OWN_LETTER = re.compile("[" + "".join(OWN_LETTERS) + "]")
# Votes a language other than English or French needs to win (one fewer when no word is English's
# or French's own): one or two stray words ("dit", "con") in a short English or French text must
# not turn it into Dutch or Italian.
MIN_OTHER_VOTES = 3
# A Latin text of this many words where the winner of English/French has votes for fewer than
# this share of them is in none of the listed languages (English prose has 25-40 %).
MIN_UNRECOGNISED_WORDS = 40
UNRECOGNISED_SHARE = 0.04


def build_owners(profiles: dict[str, frozenset[str]]) -> dict[str, str]:
    """Map each word on exactly one language's list to that language."""
    seen = Counter(word for words in profiles.values() for word in words)
    return {word: language for language, words in profiles.items() for word in words if seen[word] == 1}


OWNERS = build_owners(PROFILES)


def count_latin_votes(text: str, words: list[str]) -> Counter:
    """Count each Latin-script language's own words and letters in a text (words: split_words of
    its lower-case form)."""
    votes = Counter(map(OWNERS.get, words))
    votes.pop(None, None)
    if not text.isascii():
        # Letters back a language some words voted for; alone ("ÃÃ", a name) they decide nothing.
        votes.update(language for language in map(OWN_LETTERS.__getitem__, _OWN_LETTER.findall(text.lower()))
                     if language in votes)
    return votes


def detect_other_latin(text: str, words: list[str]) -> tuple[str, float] | None:
    """The Latin-script language other than English and French a text is in, if it clearly is."""
    votes = count_latin_votes(text, words)
    ranked = votes.most_common(2)
    if not ranked:
        return None
    language, top = ranked[0]
    if language in ("en", "fr") or top < MIN_OTHER_VOTES - (votes["en"] + votes["fr"] == 0):
        return None
    second = ranked[1][1] if len(ranked) > 1 else 0
    return language, smoothed_share(top, top + second)


# ---------------------------------------------------------------- scripts

# First code point of each Unicode block that names a language, with that language ("latin" for
# Latin blocks, None for blocks that name none: punctuation, symbols, combining marks).
SCRIPT_BLOCKS = (
    (0x0000, "latin"), (0x0250, None), (0x0370, "el"), (0x0400, "ru"), (0x0530, "hy"),
    (0x0590, "he"), (0x0600, "ar"), (0x0700, None), (0x0900, "hi"), (0x0980, "bn"), (0x0A00, "pa"),
    (0x0A80, "gu"), (0x0B00, None), (0x0B80, "ta"), (0x0C00, "te"), (0x0C80, "kn"), (0x0D00, "ml"),
    (0x0D80, "si"), (0x0E00, "th"), (0x0E80, "lo"), (0x0F00, "bo"), (0x1000, "my"), (0x10A0, "ka"),
    (0x1100, "ko"), (0x1200, "am"), (0x13A0, None), (0x1780, "km"), (0x1800, None),
    (0x1E00, "latin"), (0x1F00, "el"), (0x2000, None), (0x2E80, "zh"), (0x3040, "ja"),
    (0x3100, None), (0x3130, "ko"), (0x3190, None), (0x3400, "zh"), (0xA000, None),
    (0xAC00, "ko"), (0xD7B0, None), (0xF900, "zh"), (0xFB00, None), (0xFB1D, "he"),
    (0xFB50, "ar"), (0xFE00, None), (0xFE70, "ar"), (0xFF00, None), (0xFF66, "ja"),
    (0xFFA0, "ko"), (0xFFE0, None),
)
_BLOCK_STARTS = [start for start, _ in SCRIPT_BLOCKS]
# A Chinese, Japanese or Korean character says about as much as three Latin letters (a word is
# one or two characters, or five or six letters): scripts are compared so weighed.
CJK_WEIGHT = 3
CJK = frozenset({"zh", "ja", "ko"})
_NOT_LATIN = re.compile(r"[Ͱ-᷿ἀ-῿⺀-퟿豈-﫿יִ-﷿ﹰ-ﻼｦ-ￜ]")
_LATIN_LETTER = re.compile(r"[a-zA-ZÀ-ÖØ-öø-ɏḀ-ỿ]")
# Letters of one Cyrillic or Arabic-script language among those sharing the script.
SCRIPT_VARIANTS = {
    "ru": (("uk", re.compile("[іїєґІЇЄҐ]")), ("sr", re.compile("[ђјљњћџЂЈЉЊЋЏ]"))),
    "ar": (("ur", re.compile("[ٹڈڑںےۓ]")), ("fa", re.compile("[پچژگ]"))),
}


def script_of(char: str) -> str | None:
    """The language a character's Unicode block names ("latin" for Latin letters)."""
    return SCRIPT_BLOCKS[bisect.bisect_right(_BLOCK_STARTS, ord(char)) - 1][1]


def detect_script(text: str) -> tuple[str, float] | None:
    """The language named by a text's script when most of its letters are not Latin, else None."""
    if text.isascii():
        return None
    others = Counter(map(script_of, _NOT_LATIN.findall(text)))
    others.pop(None, None)
    if not others:
        return None
    cjk = others["zh"] + others["ja"] + others["ko"]
    weighed = sum(others.values()) + (CJK_WEIGHT - 1) * cjk
    latin = len(_LATIN_LETTER.findall(text))
    if weighed <= latin:
        return None
    script, count = others.most_common(1)[0]
    if script == "zh" and others["ja"] * 10 >= others["zh"]:
        script = "ja"  # Japanese mixes kana into its Han characters; Chinese has none
    if script == "ru" and count > 20 and "ы" not in text and "э" not in text and "ъ" in text:
        script = "bg"
    for variant, letters in SCRIPT_VARIANTS.get(script, ()):
        if 50 * len(letters.findall(text)) >= count:
            script = variant
            break
    return script, round(weighed / (weighed + latin), 3)


def spread_sample(text: str, size: int, pieces: int = 8) -> str:
    """A text whole if it is at most `size` characters long, else `size` characters of it in
    `pieces` slices spread over its whole length, so that a quotation at the start does not
    outvote the rest (each slice starts and ends at a space, so no word is cut, where the text
    has spaces: Chinese, Japanese or Thai is cut anywhere)."""
    if len(text) <= size:
        return text
    width, stride = size // pieces, len(text) // pieces
    slices = []
    for start in range(0, pieces * stride, stride):
        space = text.find(" ", start, start + width) if start else -1
        begin = space + 1 if space >= 0 else start
        end = text.rfind(" ", begin, start + width)
        slices.append(text[begin:end if end > begin else start + width])
    return "\n\n".join(slices)  # each slice a paragraph of its own: it is weighed on its own


def language_name(code: str) -> str:
    """A language's English name with its code, e.g. "German (de)", for the build's messages."""
    if code == "und":
        return "an unrecognised language"
    from babel import Locale  # the build has Babel loaded already (parse.py's date names)

    return f"{Locale('en').languages.get(code, code)} ({code})"
