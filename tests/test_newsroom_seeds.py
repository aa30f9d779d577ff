"""A newsroom's folder: copies, later versions and third languages are set aside and reported by
seed, slugs keep every Latin letter, and the summary counts what became of every seed."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from conftest import EN_SEED, FR_SEED, SEEDS, make_project
from diglot.build.pipeline import Options, build
from diglot.cli import format_summary
from diglot.content.importer import plan_import
from diglot.content.slugs import slugify
from diglot.seeds.duplicates import find_duplicates
from diglot.seeds.language import detect_language, spread_sample
from diglot.seeds.pairing import Pair, Pairing
from diglot.seeds.parse import LANGUAGE_SAMPLE, Draft, draft_of

SAMPLES = Path(__file__).resolve().parent / "data" / "languages"
SLUG = "chinas-state-security-authorities-warn-overseas-personnel-of"

ENGLISH_BODY = (
    "The port authority said on Thursday that container traffic rose by 12 percent in the first "
    "half of the year, the fastest growth since the terminal opened in 2009.\n\n"
    "Officials credited a new rail link that carries goods inland in less than a day, and said "
    "that two more cranes would be installed before the end of the summer.\n\n"
    "Unions warned that the workers who run the cranes were already doing long shifts, and asked "
    "the authority to hire more staff before it takes on any new routes.\n"
)
FRENCH_QUOTE = (
    "« Nous ne sommes pas contre le progrès, mais les salariés sont épuisés et la direction "
    "n'écoute pas leurs demandes depuis des mois », a déclaré la secrétaire du syndicat, qui "
    "représente plus de la moitié des dockers du port."
)
ENGLISH_QUOTE = (
    "\"We are not against progress, but the workers are exhausted and the management has not "
    "listened to their demands for months,\" said the secretary of the union, which represents "
    "more than half of the dockers at the port."
)
FRENCH_BODY = (
    "L'autorité portuaire a indiqué jeudi que le trafic de conteneurs avait augmenté de 12 % au "
    "premier semestre, la plus forte croissance depuis l'ouverture du terminal en 2009.\n\n"
    "Les responsables attribuent cette hausse à une nouvelle liaison ferroviaire qui achemine les "
    "marchandises vers l'intérieur en moins d'une journée, et ont annoncé que deux grues "
    "supplémentaires seraient installées avant la fin de l'été.\n\n"
    "Les syndicats ont averti que les ouvriers qui manœuvrent les grues font déjà de longues "
    "journées, et ont demandé à l'autorité d'embaucher avant d'ouvrir de nouvelles lignes.\n"
)

OEUVRES_BODY = (
    "Le musée municipal a confirmé mercredi le départ de quarante-trois tableaux prêtés par une "
    "fondation danoise, qui les expose désormais dans sa nouvelle galerie de Marstal.\n\n"
    "La directrice du musée regrette une décision prise sans concertation, mais assure que les "
    "salles vides accueilleront dès l'automne une exposition consacrée aux peintres de la région.\n"
)


# A language's folders that hold listings, not articles.
LISTING_FOLDERS = {"archive", "page", "section"}


def sample_article(language: str) -> str:
    """The first hand-written sample article in a language (tests/data/languages)."""
    return (SAMPLES / f"{language}.txt").read_text(encoding="utf-8").split("\n===\n")[0].strip() + "\n"


def seed_text(title: str, body: str, date_line: str = "") -> str:
    """A seed: headline, optional date line, body."""
    return f"{title}\n{date_line + chr(10) if date_line else ''}\n{body}"


# ---------------------------------------------------------------- language detection


@pytest.mark.parametrize("language", ["en", "fr", "de", "es", "it", "pt", "nl"])
def test_seven_languages_are_named_on_whole_articles_and_single_paragraphs(language):
    articles = [a.strip().split("\n\n") for a in (SAMPLES / f"{language}.txt").read_text(encoding="utf-8").split("\n===\n")]
    for article in articles:
        assert detect_language(spread_sample("\n\n".join(article), LANGUAGE_SAMPLE))[0] == language
        for paragraph in article[1:]:
            assert detect_language(f"{article[0]}\n\n{paragraph}")[0] == language, paragraph


@pytest.mark.parametrize("text, language", [
    ("中国国家安全部周五发布文章，警告海外人员警惕境外间谍机构的招募活动。", "zh"),
    ("日本政府は金曜日、新しい経済対策を発表した。物価の上昇に対応するためだという。", "ja"),
    ("정부는 화요일 내년 예산안을 발표했다.", "ko"),
    ("Правительство объявило во вторник о повышении налогов для крупных компаний.", "ru"),
    ("Уряд оголосив у вівторок про підвищення податків для великих компаній.", "uk"),
    ("أعلنت الحكومة يوم الثلاثاء عن زيادة الضرائب على الشركات الكبرى.", "ar"),
    ("Η κυβέρνηση ανακοίνωσε την Τρίτη αύξηση των φόρων για τις μεγάλες εταιρείες.", "el"),
    ("הממשלה הודיעה ביום שלישי על העלאת המסים לחברות הגדולות.", "he"),
])
def test_non_latin_scripts_name_their_language(text, language):
    assert detect_language(text)[0] == language


def test_an_english_article_quoting_french_at_its_top_is_english_and_the_reverse_french():
    english = seed_text("Port traffic rises as unions warn of exhaustion", f"{FRENCH_QUOTE}\n\n{ENGLISH_BODY}")
    french = seed_text("Le trafic du port augmente, les syndicats s'inquiètent", f"{ENGLISH_QUOTE}\n\n{FRENCH_BODY}")
    assert draft_of((english * 2).encode(), "en.txt").language == "en"
    assert draft_of((french * 2).encode(), "fr.txt").language == "fr"
    # A longer seed is sampled in slices spread over it; the English majority still shows.
    assert len(english * 3) > 2 * LANGUAGE_SAMPLE
    assert detect_language(spread_sample(english * 3, LANGUAGE_SAMPLE))[0] == "en"


def test_short_english_and_french_texts_with_a_stray_foreign_word_keep_their_language():
    assert detect_language("Le président a dit")[0] == "fr"
    assert detect_language("Die Hard is a film")[0] == "en"
    assert detect_language("VCG 2024") == ("en", 0.5)


# ---------------------------------------------------------------- duplicates (pure)


def draft(seed: str, title: str | None, paragraphs, date=None, language="en") -> Draft:
    return Draft(seed=seed, sha256="0" * 64, language=language, section=None, title=title, date=date,
                 date_line=None, credits=(), paragraphs=tuple(paragraphs), source=None, notes=())


PARAGRAPHS = [f"Paragraph {n} of the article says something long enough to compare." for n in range(6)]


def test_an_edited_version_with_a_new_headline_is_found_by_its_paragraphs():
    old = draft("b.txt", "Port traffic rises", PARAGRAPHS[:4], datetime(2024, 5, 10))
    new = draft("a.txt", "Port traffic rises by 12 percent", PARAGRAPHS[:3] + ["A new paragraph."],
                datetime(2024, 5, 11))
    other = draft("c.txt", "Another story entirely", PARAGRAPHS[5:], datetime(2024, 5, 12))
    kept, dropped = find_duplicates([old, new, other])
    assert [d.seed for d in kept] == ["a.txt", "c.txt"]
    assert [(d.seed, d.kept, d.how) for d in dropped] == [("b.txt", "a.txt", "version")]


def test_the_same_headline_in_two_languages_or_a_short_one_is_no_version():
    kept, dropped = find_duplicates([
        draft("en.txt", "Port traffic rises again", PARAGRAPHS[:2]),
        draft("fr.txt", "Port traffic rises again", PARAGRAPHS[2:4], language="fr"),
        draft("x.txt", "Editorial", PARAGRAPHS[4:5]), draft("y.txt", "Editorial", PARAGRAPHS[5:6]),
    ])
    assert len(kept) == 4 and not dropped


def test_a_recurring_headline_on_other_days_is_another_article_unless_the_text_is_shared():
    days = [draft(f"{n}.txt", "Morning briefing: what to know", [PARAGRAPHS[n]], datetime(2024, 5, 10 + n))
            for n in range(3)]
    assert not find_duplicates(days)[1]  # three days' briefings: three articles
    same_day = draft("3.txt", "Morning briefing: what to know", [PARAGRAPHS[3]], datetime(2024, 5, 10, 18))
    rewritten = draft("4.txt", "Morning briefing: what to know", [PARAGRAPHS[1], PARAGRAPHS[4]], datetime(2024, 5, 14))
    kept, dropped = find_duplicates(days + [same_day, rewritten])
    assert sorted((d.seed, d.kept) for d in dropped) == [("0.txt", "3.txt"), ("1.txt", "4.txt")]


def test_boilerplate_shared_by_many_seeds_makes_no_versions():
    boiler = "This article first appeared in the print edition of the newspaper."
    drafts = [draft(f"{n}.txt", f"Story number {n} today", [PARAGRAPHS[n], boiler]) for n in range(6)]
    assert not find_duplicates(drafts)[1]


def test_a_version_without_date_keeps_the_last_by_name_and_an_updated_field_wins_over_date():
    kept, _ = find_duplicates([draft("v1.txt", "Same long headline here", PARAGRAPHS[:1]),
                               draft("v2.txt", "Same long headline here", PARAGRAPHS[1:2])])
    assert [d.seed for d in kept] == ["v2.txt"]

    class Updated:  # stands for a Draft with the header parser's `updated` field
        def __init__(self, base, updated):
            self.__dict__.update(base.__dict__, updated=updated)

    early = draft("a.txt", "Same long headline here", PARAGRAPHS[:1], datetime(2024, 5, 10))
    late = draft("b.txt", "Same long headline here", PARAGRAPHS[1:2], datetime(2024, 5, 11))
    from diglot.seeds.duplicates import version_stamp
    assert version_stamp(Updated(early, datetime(2024, 6, 1))) > version_stamp(late)


# ---------------------------------------------------------------- slugs


def test_slugs_transliterate_every_latin_letter():
    assert slugify("Les œuvres d’Ærø: Straße, Łódź, Ørsted, ça a été") == \
        "les-oeuvres-daero-strasse-lodz-orsted-ca-a-ete"


def test_the_seed_pair_keeps_its_slug():
    drafts = [draft_of((SEEDS / name).read_bytes(), name) for name in (EN_SEED, FR_SEED)]
    pairing = Pairing((Pair(drafts[0], drafts[1], 0.5),), (), ())
    assert {p.name for p in plan_import(pairing, {})} == {f"{SLUG}.en.md", f"{SLUG}.fr.md"}


def test_a_title_without_latin_letters_takes_its_counterparts_slug_or_a_stable_hash():
    chinese = draft("zh.txt", "中国经济", PARAGRAPHS[:1], language="fr")
    english = draft("en.txt", "China's economy grows", PARAGRAPHS[1:2])
    paired = plan_import(Pairing((Pair(english, chinese, 0.5),), (), ()), {})
    assert {p.name for p in paired} == {"chinas-economy-grows.en.md", "chinas-economy-grows.fr.md"}
    alone = [p.name for p in plan_import(Pairing((), (draft("zh.txt", "中国经济", ["数字"]),), ()), {})]
    assert alone == [f"{slugify('中国经济', 'zh.txt')}.en.md"] and alone[0].startswith("article-")
    assert alone == [p.name for p in plan_import(Pairing((), (draft("zh.txt", "中国经济", ["数字"]),), ()), {})]


# ---------------------------------------------------------------- the whole build


def newsroom_seeds() -> dict[str, bytes]:
    """The real seed pair, with copies, a later version, three third languages, a quoting
    article and an unreadable file."""
    en, fr = (SEEDS / EN_SEED).read_bytes(), (SEEDS / FR_SEED).read_bytes()
    article = "Port traffic rises as unions warn of exhaustion"
    return {
        EN_SEED: en, FR_SEED: fr,
        "zz_sent_twice.txt": en,  # byte-identical copy
        "004_crlf.txt": fr.replace(b"\n", b"\r\n"),  # the same text with CRLF line endings
        "port_b_first.txt": seed_text(article, ENGLISH_BODY, "Published: May 10, 2024 09:00 AM").encode(),
        "port_a_update.txt": seed_text(article, f"{FRENCH_QUOTE}\n\n{ENGLISH_BODY}",
                                       "Updated: May 11, 2024 10:00 AM").encode(),
        "oeuvres.txt": seed_text("Les œuvres d’Ærø quittent le musée", OEUVRES_BODY).encode(),
        "spanish.txt": sample_article("es").encode(), "german.txt": sample_article("de").encode(),
        "chinese.txt": ("中国经济增长\n\n国家统计局周一公布的数据显示，今年上半年经济同比增长百分之五，高于市场预期。\n\n"
                        "分析人士认为，出口和制造业投资是主要动力，但消费仍然疲弱。\n").encode(),
        "empty.txt": b"  \n",
    }


def test_a_newsroom_folder_publishes_each_article_once_and_reports_every_other_seed(tmp_path):
    project = make_project(tmp_path / "project", newsroom_seeds())
    summary = build(Options(project=project))
    site, content = project / "site", project / "content"
    assert sorted(p.name for p in (site / "en").iterdir() if p.is_dir() and (p / "index.html").exists()
                   and p.name not in LISTING_FOLDERS) == \
        sorted([SLUG, "port-traffic-rises-as-unions-warn-of-exhaustion"])
    assert sorted(p.name for p in (site / "fr").iterdir() if p.is_dir() and (p / "index.html").exists()
                   and p.name not in LISTING_FOLDERS) == \
        sorted([SLUG, "les-oeuvres-daero-quittent-le-musee"])
    seeds = {yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1])["seed"] for p in content.iterdir()}
    assert seeds == {EN_SEED, FR_SEED, "port_a_update.txt", "oeuvres.txt"}

    warnings = {w.path: f"{w.what} — {w.fix}" for w in summary.report.warnings}
    assert f"is a copy of seeds/{EN_SEED} (same text)" in warnings["seeds/zz_sent_twice.txt"]
    assert f"is a copy of seeds/{FR_SEED} (same text)" in warnings["seeds/004_crlf.txt"]
    assert "seeds/port_a_update.txt" in warnings["seeds/port_b_first.txt"]
    assert "kept seeds/port_a_update.txt" in warnings["seeds/port_b_first.txt"]
    assert "is in Spanish (es); this site publishes en, fr; skipped" in warnings["seeds/spanish.txt"]
    assert "is in German (de)" in warnings["seeds/german.txt"]
    assert "is in Chinese (zh)" in warnings["seeds/chinese.txt"]
    assert "is empty" in warnings["seeds/empty.txt"]
    # Nothing is lost: 11 seeds = 3 articles' 4 seeds + 3 duplicates + 4 skipped.
    assert (summary.articles, summary.duplicates, summary.skipped) == (3, 3, 4)
    line = format_summary(summary).splitlines()[-1]
    assert "3 duplicates, 4 skipped;" in line and line.startswith("built 3 articles")
    for text in (site / "fr" / SLUG / "index.html", site / "en" / SLUG / "index.html"):
        assert "Temporada" not in text.read_text(encoding="utf-8")


def test_seeds_alike_in_headline_and_first_paragraph_only_are_two_articles_imported_in_full(tmp_path):
    """The build keeps a draft's first paragraph only, once its workers have hashed the rest."""
    opening = "The council met on Monday evening to vote on next year's budget, after weeks of debate."
    rest = {"a.txt": ["The budget passed by nine votes to four, with two members absent from the chamber.",
                      "Spending on schools rises by a tenth, paid for by a higher tax on second homes."],
            "b.txt": ["The vote was put off until March, when the auditors are due to report on the deficit.",
                      "Members asked the mayor to publish the contracts signed for the new tram line."]}
    project = make_project(tmp_path / "project", {
        name: seed_text("Council vote", "\n\n".join([opening, *paragraphs]) + "\n").encode()
        for name, paragraphs in rest.items()})
    summary = build(Options(project=project))
    assert (summary.articles, summary.duplicates, summary.skipped) == (2, 0, 0)
    texts = {yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1])["seed"]: p.read_text(encoding="utf-8")
             for p in (project / "content").iterdir()}
    for name, paragraphs in rest.items():
        assert opening in texts[name] and all(paragraph in texts[name] for paragraph in paragraphs)


def test_a_rebuild_makes_the_same_decisions_and_a_copy_imported_earlier_is_not_published_twice(tmp_path):
    seeds = newsroom_seeds()
    project = make_project(tmp_path / "project", {EN_SEED: seeds[EN_SEED], FR_SEED: seeds[FR_SEED],
                                                 "port_b_first.txt": seeds["port_b_first.txt"]})
    build(Options(project=project))
    for name, data in seeds.items():
        (project / "seeds" / name).write_bytes(data)
    first = build(Options(project=project))
    again = build(Options(project=project), replay=False)
    assert [str(w) for w in first.report.warnings] == [str(w) for w in again.report.warnings]
    assert (first.duplicates, first.skipped) == (again.duplicates, again.skipped) == (3, 4)
    # The update took over the article the first version was imported as: one English page for it.
    assert first.articles == 3
    port = (project / "content" / "port-traffic-rises-as-unions-warn-of-exhaustion.en.md").read_text(encoding="utf-8")
    assert "seed: port_a_update.txt" in port and "Nous ne sommes pas contre" in port


def test_a_one_paragraph_chinese_seed_is_skipped_by_its_language_not_as_a_headline(tmp_path):
    """CJK full stops end sentences: a single Chinese paragraph is prose, reported as Chinese."""
    from diglot.build.import_step import read_seed
    seed = tmp_path / "zh.txt"
    seed.write_text("国家安全部门提醒海外人员注意安全。中国外交部发言人表示，中方将继续保护海外公民的合法权益。",
                    encoding="utf-8")
    draft = read_seed(seed)
    assert draft.language == "zh" and draft.title is None and len(draft.paragraphs) == 1


def test_a_long_text_without_spaces_is_sampled_to_the_sample_size():
    chinese = "国家统计局周一公布的数据显示，今年前十个月全国规模以上工业企业利润同比增长。" * 200
    sample = spread_sample(chinese, LANGUAGE_SAMPLE)
    assert len(sample) <= LANGUAGE_SAMPLE + 20 and detect_language(sample)[0] == "zh"


def test_a_seed_of_unrecognised_words_says_how_to_publish_it_and_the_way_works(tmp_path):
    results = "\n\n".join(f"Arsenal {n} Chelsea {n + 1}; Everton {n} Fulham {n}; Leeds {n + 2} Wolves {n}; "
                          f"Brighton {n} Burnley {n}; Luton {n + 1} Spurs {n + 3}" for n in range(4))
    project = make_project(tmp_path / "p", {"r.txt": f"Results\n\n{results}\n".encode()})
    summary = build(Options(project=project))
    warning = next(w for w in summary.report.warnings if w.path == "seeds/r.txt")
    assert "unrecognised" in warning.what and "content/<slug>.en.md" in warning.fix
    (project / "content").mkdir(exist_ok=True)
    (project / "content" / "results.en.md").write_text(f"---\ntitle: Results\n---\n{results}\n", encoding="utf-8")
    build(Options(project=project))
    assert "Arsenal 0 Chelsea 1" in (project / "site" / "en" / "results" / "index.html").read_text(encoding="utf-8")
