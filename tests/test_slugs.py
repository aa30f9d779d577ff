"""Slugs are safe, non-empty and stable for any title."""
from hypothesis import given, strategies as st

from diglot.content.slugs import claim_slug, is_safe_slug, slugify
from processes import outputs_under_two_hash_seeds


@given(st.text())
def test_any_title_gives_a_safe_non_empty_stable_slug(title):
    slug = slugify(title, "seed.txt")
    assert is_safe_slug(slug) and len(slug) <= 60


def test_readable_slugs():
    assert slugify("China’s state security authorities warn") == "chinas-state-security-authorities-warn"
    assert slugify("../../etc/passwd / Événement à Paris") == "etc-passwd-evenement-a-paris"
    assert slugify("Une loi sur l'été") == "une-loi-sur-lete"


def test_symbols_only_title_falls_back_to_seed_hash():
    assert slugify("«  »  ///", "a.txt") != slugify("«  »  ///", "b.txt")
    assert slugify("«  »  ///", "a.txt").startswith("article-")


def test_claimed_slugs_get_numbered():
    taken = {"news"}
    assert [claim_slug("news", taken), claim_slug("news", taken)] == ["news-2", "news-3"]


def test_slugs_are_the_same_in_every_process():
    # A slug names the content file and the URL: the next build, in another process, must agree.
    code = """from diglot.content.slugs import slugify, claim_slug
titles = ["«  »  ///", "", "???", "Une loi sur l'été", "../../etc/passwd / Événement à Paris", "中文标题"]
print([slugify(t, f"{n:03d}_seed.txt") for n, t in enumerate(titles)])
taken = set()
print([claim_slug("news", taken) for _ in range(3)])"""
    first, second = outputs_under_two_hash_seeds(code)
    assert first == second and "article-" in first
