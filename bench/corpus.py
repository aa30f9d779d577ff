"""Write a deterministic synthetic corpus of EN/FR seed files for benchmarks.

Usage: python bench/corpus.py N DIR [--seed S] [--truth FILE]

N is the number of articles; about 5 % are English-only and 3 % French-only,
the rest are pairs. Of the pairs, about 10 % merge two English paragraphs into
one French paragraph and 10 % split one English paragraph in two. Text is
built from the sentence pairs of the two real seeds, plus per-article facts
(invented names, numbers, dates) shared by both languages so that a pairing
step can match them by content. Same N and seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

NBSP = "\u00a0"
SEED_NAME = re.compile(r"^\d{3,}_[0-9a-f]{16}\.txt$")
EN_ONLY_SHARE = 0.05
FR_ONLY_SHARE = 0.03
MERGED_SHARE = 0.10
SPLIT_SHARE = 0.10

# The two real seeds translate each other sentence by sentence; these pairs are
# copied from them byte for byte so the corpus keeps their mixed apostrophes
# and both kinds of guillemet spacing.
PHRASES = (
    ('China\'s Ministry of State Security issued an article on Friday warning Chinese nationals stationed overseas to be aware of "friendly" individuals who usually focus on key groups of overseas personnel using various methods to approach, gather intelligence, and infiltrate and recruit.',
     "Le ministère chinois de la Sécurité d'État a publié vendredi un article avertissant les ressortissants chinois en poste à l'étranger de se méfier des individus « amicaux » qui se concentrent généralement sur des groupes clés de personnel à l'étranger en utilisant diverses méthodes pour les approcher, recueillir des renseignements, s'infiltrer et recruter."),
    ("China's international economic and trade cooperation has led to the expansion of enterprises and projects overseas, contributing to the growth of the global economy.",
     "La coopération économique et commerciale internationale de la Chine a conduit à l'expansion d'entreprises et de projets à l'étranger, contribuant ainsi à la croissance de l'économie mondiale."),
    ('Foreign intelligence agencies have long been coveting the internal information of the high-tech industry-leading companies, and they are good at using manipulative tactics to lure Chinese nationals stationed overseas, according to the ministry.',
     "Les agences de renseignement étrangères convoitent depuis longtemps les informations internes des entreprises leaders du secteur de la haute technologie, et elles savent utiliser des tactiques de manipulation pour attirer les ressortissants chinois stationnés à l'étranger, selon le ministère."),
    ("The tactics involve creating chance encounters and initiating conversations to gain the target's favor and trust by acting helpful and approachable.",
     'Les tactiques consistent à créer des rencontres fortuites et à engager des conversations pour gagner la faveur et la confiance de la cible en agissant de manière utile et accessible.'),
    ('By catering to the target\'s interests, these "friendly" personnel regularly deepen emotional connections with the target to win their trust, said the ministry.',
     'En répondant aux intérêts de la cible, ces personnels « amicaux » approfondissent régulièrement les liens émotionnels avec la cible pour gagner sa confiance, a indiqué le ministère.'),
    ('After jumping into the traps, some Chinese nationals stationed overseas may lack vigilance and disclose state secrets, and some may be coerced into betraying national interests, and even some may willingly become accomplices to foreign intelligence agencies, posing a threat to national security, according to state security authorities.',
     "Après avoir sauté dans les pièges, certains ressortissants chinois en poste à l'étranger peuvent manquer de vigilance et divulguer des secrets d'État, et certains peuvent être contraints de trahir les intérêts nationaux, et même certains peuvent volontairement devenir complices des agences de renseignement étrangères, ce qui constitue une menace pour la sécurité nationale, selon autorités de sécurité de l’État."),
    ('The national security authorities remind Chinese nationals stationed overseas for long periods of time to maintain a calm and rational attitude in their interactions with others in order to avoid risks.',
     "Les autorités de sécurité nationale rappellent aux ressortissants chinois en poste à l'étranger pendant de longues périodes de maintenir une attitude calme et rationnelle dans leurs interactions avec les autres afin d'éviter les risques."),
    ('Chinese nationals stationed overseas working in sensitive enterprises are especially a valuable resource for foreign spies to obtain first-hand information.',
     'Les ressortissants chinois en poste à l’étranger et travaillant dans des entreprises sensibles constituent une ressource particulièrement précieuse pour les espions étrangers qui souhaitent obtenir des informations de première main.'),
    ('These personnel must fully recognize the importance, sensitivity, and confidentiality of their positions and the information they possess, the ministry noted in the article.',
     "Ces personnels doivent pleinement reconnaître l'importance, la sensibilité et la confidentialité de leurs postes et des informations qu'ils possèdent, a noté le ministère dans l'article."),
    ('"This is both a protection of national security and a responsibility for personal safety."',
     "«\xa0Il s'agit à la fois d'une protection de la sécurité nationale et d'une responsabilité en matière de sécurité personnelle.\xa0»"),
    ('The revised Counter-Espionage Law took effect on July 1, 2023.',
     "La loi révisée contre l'espionnage est entrée en vigueur le 1er juillet 2023."),
    ('If someone is coerced or deceived into joining an espionage or hostile organization overseas and engaging in activities that harm national security, they should promptly explain the situation to the Chinese diplomatic missions abroad.',
     "Si une personne est contrainte ou trompée pour rejoindre une organisation d'espionnage ou une organisation hostile à l'étranger et s'engager dans des activités qui nuisent à la sécurité nationale, elle doit rapidement expliquer la situation aux missions diplomatiques chinoises à l'étranger."),
    ('They should report it to the national security authorities directly or through their employer and show repentance after entering the country.',
     "Ils doivent le signaler aux autorités de sécurité nationale directement ou par l'intermédiaire de leur employeur et montrer leur repentir après leur entrée dans le pays."),
    ('In such cases, they may not be held accountable, according to the revised law.',
     'Dans de tels cas, ils ne peuvent pas être tenus responsables, selon la loi révisée.'),
    ('In April, the ministry unveiled 10 notorious spy cases in a special documentary film, revealing the devious tactics used by foreign intelligence agencies for infiltration, theft, and incitement.',
     'En avril, le ministère a dévoilé 10 cas d’espionnage notoires dans un film documentaire spécial, révélant les tactiques sournoises utilisées par les agences de renseignement étrangères pour l’infiltration, le vol et l’incitation.'),
)

# Sentences that carry each article's own names and numbers in both languages.
FACTS = (
    ("The {org} said {count} companies in {place} had joined the programme since {year}.",
     "L'{org} a indiqué que {count} entreprises de {place} avaient rejoint le programme depuis {year}."),
    ("According to {person}, the projects in {place} are worth {amount} yuan.",
     "Selon {person}, les projets à {place} représentent {amount} yuans."),
    ("Trade between {place} and its partners grew by {pct} percent in {year}, the ministry noted.",
     "Les échanges entre {place} et ses partenaires ont progressé de {pct}\u00a0% en {year}, a noté le ministère."),
    ("{person} told the Global Times that {count} personnel had received training in {place}.",
     "{person} a déclaré au Global Times que {count} personnels avaient reçu une formation à {place}."),
    ("The {org} report lists {amount} cases recorded between {year} and {year2}.",
     "Le rapport de l'{org} recense {amount} cas enregistrés entre {year} et {year2}."),
    ("The {org} opened an office in {place} on {en_day}, {year2}.",
     "L'{org} a ouvert un bureau à {place} le {fr_day} {year2}."),
)

HEADLINES = (
    "{place} authorities warn overseas personnel of potential spy recruitment",
    "{org} reveals {count} cases of foreign intelligence infiltration",
    "{person} urges vigilance as {place} trade cooperation expands",
    "Revised law brings {count} enterprises in {place} under review",
    "{org} report on {year} projects overseas draws attention",
    "State security authorities in {place} remind nationals to avoid risks",
)

SECTIONS = ("CHINA / SOCIETY", "CHINA / POLITICS", "CHINA / DIPLOMACY",
            "CHINA / MILITARY", "SOURCE / ECONOMY", "WORLD / ASIA-PACIFIC",
            "OPINION / EDITORIAL", "ARTS / CULTURE & LEISURE")

CREDITS = (
    (("Spy Photo: VCG", "Photo: VCG"), ("Spy Photo: VCG", "Photo : VCG")),
    (("Photo: VCG",), ("Photo : VCG",)),
    (("Photo: Xinhua",), ("Photo : Xinhua",)),
    (("Photo: IC",), ("Photo : IC",)),
    (("Photo: Courtesy of the {org}",), ("Photo : avec l'aimable autorisation de l'{org}",)),
    ((), ()),
)

SYLLABLES = ("ka", "lo", "ven", "dra", "mi", "sor", "tel", "qua", "rin", "bel",
             "zu", "hai", "mon", "tra", "vik", "sel", "no", "gar", "pe", "lun")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
             "August", "September", "October", "November", "December")
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet",
             "août", "septembre", "octobre", "novembre", "décembre")
FIRST_DAY = dt.datetime(2019, 1, 1)


@dataclass(frozen=True)
class Article:
    """One synthetic article: its facts, sentences and how French regroups them."""
    kind: str                      # "pair", "en" or "fr"
    facts: dict
    section: str
    headline: str
    when: dt.datetime
    credits: tuple
    fr_dated: bool
    paragraphs: tuple              # tuple of paragraphs, each a tuple of (en, fr) sentences
    regroup: str                   # "none", "merge" or "split"


# Tries at 2-4 syllables before a word may take more: 100,000 articles need ~400,000 names, more
# than the 168,400 words of 2-4 syllables (the loop never ended). Smaller corpora never meet this
# many misses in a row, so they stay byte for byte as they were.
SHORT_WORD_TRIES = 64


def invent_word(rng: random.Random, used: set) -> str:
    """Return a capitalised invented word not used before in this corpus."""
    misses = 0
    while True:
        longest = 4 if misses < SHORT_WORD_TRIES else 6
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, longest)))
        if word not in used:
            used.add(word)
            return word.capitalize()
        misses += 1


def group_digits(value: int, sep: str) -> str:
    """Return value with thousands grouped by sep (',' in English, a space in French)."""
    return f"{value:,}".replace(",", sep)


def make_facts(rng: random.Random, used: set) -> dict:
    """Return the names and numbers one article repeats in both languages."""
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(2000))
    amount = rng.randrange(10_000, 90_000_000)
    pct = rng.randrange(11, 399) / 10
    thousands = rng.choice((" ", NBSP))
    base = {
        "org": invent_word(rng, used) + " Institute",
        "place": invent_word(rng, used),
        "person": invent_word(rng, used) + " " + invent_word(rng, used),
        "count": str(rng.randrange(11, 990)),
        "year": str(rng.randrange(1950, 2019)),
        "year2": str(day.year),
    }
    en = dict(base, amount=group_digits(amount, ","), pct=f"{pct:.1f}",
              en_day=f"{EN_MONTHS[day.month - 1]} {day.day}")
    fr_day = "1er" if day.day == 1 else str(day.day)
    fr = dict(base, amount=group_digits(amount, thousands), pct=f"{pct:.1f}".replace(".", ","),
              fr_day=f"{fr_day} {FR_MONTHS[day.month - 1]}")
    fr["org"] = "Institut " + base["org"].removesuffix(" Institute")
    return {"en": en, "fr": fr}


def fill_fact(rng: random.Random, facts: dict) -> tuple[str, str]:
    """Return one fact sentence in English and French, with this article's values."""
    en, fr = rng.choice(FACTS)
    return en.format(**facts["en"]), fr.format(**facts["fr"])


def make_paragraph(rng: random.Random, facts: dict, with_fact: bool) -> tuple:
    """Return 1-3 seed sentence pairs, plus a fact sentence when asked, in random order."""
    sentences = rng.sample(PHRASES, rng.randint(1, 3))
    if with_fact:
        sentences.insert(rng.randint(0, len(sentences)), fill_fact(rng, facts))
    return tuple(sentences)


def make_paragraphs(rng: random.Random, facts: dict) -> tuple:
    """Return 3-15 paragraphs; the first always carries a fact so pairs can be matched."""
    count = rng.randint(3, 15)
    paragraphs = [make_paragraph(rng, facts, index == 0 or rng.random() < 0.4)
                  for index in range(count)]
    if all(len(p) < 2 for p in paragraphs):
        # A split needs a paragraph of two sentences or more.
        extra = rng.choice([p for p in PHRASES if p not in paragraphs[-1]])
        paragraphs[-1] = paragraphs[-1] + (extra,)
    return tuple(paragraphs)


def make_article(rng: random.Random, kind: str, regroup: str, used: set) -> Article:
    """Return one article of the given kind and French regrouping."""
    facts = make_facts(rng, used)
    when = FIRST_DAY + dt.timedelta(minutes=5 * rng.randrange(6 * 365 * 288))
    credits = rng.choice(CREDITS)
    credits = tuple(tuple(line.format(**facts[lang]) for line in side)
                    for lang, side in zip(("en", "fr"), credits))
    return Article(
        kind=kind, facts=facts, section=rng.choice(SECTIONS).replace(" / ", f"{NBSP}/{NBSP}"),
        headline=rng.choice(HEADLINES).format(**facts["en"]), when=when, credits=credits,
        fr_dated=rng.random() < 0.3, paragraphs=make_paragraphs(rng, facts), regroup=regroup)


def english_paragraphs(article: Article) -> list[str]:
    """Return the English body paragraphs."""
    return [" ".join(en for en, _ in paragraph) for paragraph in article.paragraphs]


def french_layout(rng: random.Random, article: Article) -> tuple[list[str], list]:
    """Return the French paragraphs and the alignment [[en indexes], [fr indexes]]."""
    groups = [[index] for index in range(len(article.paragraphs))]
    if article.regroup == "merge":
        at = rng.randrange(len(groups) - 1)
        groups[at:at + 2] = [groups[at] + groups[at + 1]]
    sentences = [[fr for _, fr in article.paragraphs[i]] for i in range(len(article.paragraphs))]
    paragraphs, alignment = [], []
    split_at = pick_split(rng, article) if article.regroup == "split" else None
    for group in groups:
        body = [s for i in group for s in sentences[i]]
        if group == [split_at]:
            cut = rng.randint(1, len(body) - 1)
            parts = [body[:cut], body[cut:]]
        else:
            parts = [body]
        alignment.append([group, list(range(len(paragraphs), len(paragraphs) + len(parts)))])
        paragraphs.extend(" ".join(part) for part in parts)
    return paragraphs, alignment


def pick_split(rng: random.Random, article: Article) -> int:
    """Return the index of a paragraph with two sentences or more, to split in French."""
    return rng.choice([i for i, p in enumerate(article.paragraphs) if len(p) >= 2])


def format_en_date(when: dt.datetime) -> str:
    """Return the English date line, e.g. 'Published: May 10, 2024 03:00 PM'."""
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"Published: {EN_MONTHS[when.month - 1]} {when.day}, {when.year} {hour:02d}:{when.minute:02d} {half}"


def format_fr_date(when: dt.datetime) -> str:
    """Return the French date line, e.g. 'Publié : 03 juin 2024 09h15'."""
    return f"Publié : {when.day:02d} {FR_MONTHS[when.month - 1]} {when.year} {when.hour:02d}h{when.minute:02d}"


def render_english(article: Article) -> str:
    """Return an English seed in the Global Times plain-text layout."""
    head = "\n".join((article.section, article.headline, format_en_date(article.when)))
    credits = article.credits[0]
    lead = head + "\n" + "\n\n".join(credits) + "\n\n\n" if credits else head + "\n\n"
    return lead + "\n\n".join(english_paragraphs(article)) + "\n\nGlobal Times"


def render_french(article: Article, paragraphs: list[str]) -> str:
    """Return a French seed: optional date, credits, paragraphs, 'Temps mondial'."""
    blocks = list(article.credits[1]) + paragraphs + ["Temps mondial"]
    text = "\n\n".join(blocks)
    if not article.fr_dated:
        return text
    # Like the English header, the date sits on the line just above the credits.
    gap = "\n" if article.credits[1] else "\n\n"
    return format_fr_date(article.when) + gap + text


def plan_kinds(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Return (kind, regroup) for each article, with exact shares, in random order."""
    en_only = round(count * EN_ONLY_SHARE)
    fr_only = round(count * FR_ONLY_SHARE)
    pairs = count - en_only - fr_only
    merged = round(pairs * MERGED_SHARE)
    split = round(pairs * SPLIT_SHARE)
    plan = ([("en", "none")] * en_only + [("fr", "none")] * fr_only
            + [("pair", "merge")] * merged + [("pair", "split")] * split
            + [("pair", "none")] * (pairs - merged - split))
    rng.shuffle(plan)
    return plan


def render_documents(rng: random.Random, articles: list[Article]) -> tuple[list, list]:
    """Return seed documents [(text, article index, lang)] and each pair's alignment."""
    documents, alignments = [], []
    for index, article in enumerate(articles):
        alignment = None
        if article.kind in ("pair", "en"):
            documents.append((render_english(article), index, "en"))
        if article.kind in ("pair", "fr"):
            paragraphs, alignment = french_layout(rng, article)
            documents.append((render_french(article, paragraphs), index, "fr"))
        alignments.append(alignment if article.kind == "pair" else None)
    return documents, alignments


def shuffle_apart(rng: random.Random, documents: list) -> list:
    """Return documents shuffled so that no two halves of a pair are neighbours."""
    order = list(documents)
    for _ in range(200):
        rng.shuffle(order)
        if all(a[1] != b[1] for a, b in zip(order, order[1:])):
            break
    return order


def name_documents(rng: random.Random, documents: list) -> list[tuple[str, str, int, str]]:
    """Return (file name, text, article index, lang) with names like '007_<16 hex>.txt'."""
    width = max(3, len(str(len(documents) - 1)))
    return [(f"{number:0{width}d}_{rng.getrandbits(64):016x}.txt", text, index, lang)
            for number, (text, index, lang) in enumerate(documents)]


def describe_truth(named: list, alignments: list) -> dict:
    """Return the answer key: pairs (en seed -> fr seed), alignments, single-language seeds."""
    by_article: dict[int, dict[str, str]] = {}
    for name, _, index, lang in named:
        by_article.setdefault(index, {})[lang] = name
    pairs = {v["en"]: v["fr"] for v in by_article.values() if len(v) == 2}
    return {
        "pairs": dict(sorted(pairs.items())),
        "alignments": dict(sorted((by_article[i]["en"], a) for i, a in enumerate(alignments) if a)),
        "en_only": sorted(v["en"] for v in by_article.values() if list(v) == ["en"]),
        "fr_only": sorted(v["fr"] for v in by_article.values() if list(v) == ["fr"]),
    }


def generate(count: int, seed: int = 0) -> tuple[dict[str, bytes], dict]:
    """Return the corpus as {file name: bytes} and its answer key, without writing."""
    rng = random.Random(seed)
    used: set = set()
    articles = [make_article(rng, kind, regroup, used) for kind, regroup in plan_kinds(rng, count)]
    documents, alignments = render_documents(rng, articles)
    named = name_documents(rng, shuffle_apart(rng, documents))
    files = {name: text.encode("utf-8") for name, text, _, _ in named}
    return files, describe_truth(named, alignments)


def write_corpus(count: int, folder: Path, seed: int = 0, truth: Path | None = None) -> dict:
    """Write the corpus to folder (replacing earlier seed files there) and return the key."""
    files, key = generate(count, seed)
    folder.mkdir(parents=True, exist_ok=True)
    # Only files named like seeds are removed, so nothing else in folder is at risk.
    for old in folder.iterdir():
        if SEED_NAME.match(old.name) and old.name not in files:
            old.unlink()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    if truth is not None:
        truth.parent.mkdir(parents=True, exist_ok=True)
        truth.write_text(json.dumps(key, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return key


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", metavar="N", type=int, help="number of articles")
    parser.add_argument("folder", metavar="DIR", type=Path, help="where to write the seeds")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--truth", type=Path, help="write the answer key (JSON) to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Write the corpus described by the command line."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    key = write_corpus(args.count, args.folder, args.seed, args.truth)
    print(f"{len(key['pairs'])} pairs, {len(key['en_only'])} English-only, "
          f"{len(key['fr_only'])} French-only -> {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
