"""The Jinja2 environment the layouts render in: autoescape, strict variables, diglot's filters and
globals, and the {% shared %} tag."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import zip_longest
from pathlib import Path

import yaml
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, nodes, select_autoescape
from jinja2.ext import Extension
from markupsafe import Markup, escape

from diglot.config import Config
from diglot.model.site import Section
from diglot.model.text import format_date, format_month, iso_date
from diglot.model.typography import typeset
from diglot.render.feeds import atom_time


@dataclass(frozen=True)
class Place:
    """What a shared partial may know of the page it lands on: the language and the way to the root."""

    lang: str
    root: str


class SharedPartials(Extension):
    """`{% shared "partials/site-footer.html" %}`: like include, but the partial is rendered once per
    language and depth and reused, because it reads nothing else of the page (page.lang, page.root,
    the language's variables and the globals); anything else of `page` is an error there, not a
    silently stale value."""

    tags = {"shared"}

    def __init__(self, environment: Environment):
        super().__init__(environment)
        self.rendered: dict[tuple[str, str, str], Markup] = {}

    def parse(self, parser) -> nodes.Output:
        """The tag becomes an output of render_shared(name, context)."""
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        call = self.call_method("render_shared", [name, nodes.ContextReference()], lineno=lineno)
        return nodes.Output([call], lineno=lineno)

    def render_shared(self, name: str, context) -> Markup:
        """The partial for this page's language and depth, rendered on first use."""
        page = context["page"]
        key = (name, page.lang, page.root)
        if key not in self.rendered:
            template = self.environment.get_template(name)
            place = Place(page.lang, page.root)
            self.rendered[key] = Markup(template.render(page=place, **language_variables(self.environment, page.lang)))
        return self.rendered[key]


def load_strings(layouts: Path, languages: tuple[str, ...]) -> dict[str, dict]:
    """Interface strings, one YAML file per language under layouts/strings/, typeset in that language."""
    def load(lang: str) -> dict:
        return yaml.safe_load((layouts / "strings" / f"{lang}.yaml").read_text(encoding="utf-8"))

    return {lang: typeset_strings(load(lang), lang) for lang in languages}


class Strings(dict):
    """A strings table whose keys are also attributes, so `t.feed` in a template is found at once
    (on a plain dict Jinja2 first tries, and fails, an attribute lookup, on every use)."""

    def __init__(self, items: dict):
        super().__init__(items)
        self.__dict__ = self


def typeset_strings(value, lang: str):
    """Every string of a strings file with its language's typography (French spaces before ':' and '?')."""
    if isinstance(value, dict):
        return Strings({key: typeset_strings(item, lang) for key, item in value.items()})
    return typeset(value, lang) if isinstance(value, str) else value


def make_environment(layouts: Path, config: Config, compiled: BytecodeCache | None = None) -> Environment:
    """A Jinja2 environment with autoescape on and diglot's filters.

    compiled: where compiled templates are kept between builds (the build layer's
    build.templates.CompiledTemplates), or None to compile every template in memory."""
    # auto_reload off: layouts are part of the build's key, so an environment never outlives
    # them, and checking each template's file time on every include cost a third of the rendering.
    env = Environment(loader=FileSystemLoader(str(layouts)), autoescape=select_autoescape(["html", "xml"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      auto_reload=False, extensions=[SharedPartials],
                      bytecode_cache=compiled)
    # Pure filters remembered: a title, date or section is written several times per page and on
    # both views of both versions of an article.
    env.filters.update(typeset=memoize_typed(typeset), date=format_date, isodate=memoize_typed(iso_date),
                       atomtime=memoize_typed(atom_time))
    env.globals.update(config=config, strings=load_strings(layouts, config.languages),
                       absolute=config.absolute_url, segmented=segmented_body, side_by_side=side_by_side,
                       plain_body=plain_body,
                       section_label=memoize_typed(partial(section_label, config.sections)), section_url=section_url,
                       month_name=format_month)
    return env


def memoize_typed(function):
    """function(value, *args) remembered by the value's type as well as its value, since a Markup
    and a str that compare equal are escaped differently (titles are typeset several times a page)."""
    memo = {}

    def remembered(value, *args):
        """The remembered result, computed on first use."""
        key = (type(value), value, *args)
        if key not in memo:
            memo[key] = function(value, *args)
        return memo[key]

    return remembered


def segmented_body(blocks, numbers, sentences=()) -> Markup:
    """Blocks as HTML with data-seg="N" on each, and id="sN" on the first block of a segment; each
    sentence inside a `<span data-sent="ID">` (or, for a block read as one sentence, the ID on it)."""
    out, seen = [], set()
    for block, n, marks in zip_longest(blocks, numbers, sentences or (), fillvalue=()):
        attrs = f' data-seg="{n}"' + ("" if n in seen else f' id="s{n}"')
        seen.add(n)
        out.append(marked_html(block, marks, attrs))
    return Markup("\n".join(out))


def marked_html(block, marks, attrs: str = "") -> str:
    """A block's HTML with attrs on its element and its sentences wrapped in data-sent spans."""
    source, cut = block.html, len(block.tag) + 1
    if marks and marks[0][0] < 0:
        return source[:cut] + attrs + f' data-sent="{marks[0][2]}"' + source[cut:]
    parts, at = [source[:cut], attrs], cut
    for start, end, sid in marks:
        parts += [source[at:start], f'<span data-sent="{sid}">', source[start:end], "</span>"]
        at = end
    parts.append(source[at:])
    return "".join(parts)


def side_by_side(rows, mine: str, theirs: str) -> Markup:
    """The rows of the side-by-side view as HTML, one pair of halves per segment (data-seg and id
    keep the reader's place). Written here rather than looped over in the layout: the loop's six
    escapes a row were a fifth of all rendering."""
    mine, theirs = escape(mine), escape(theirs)
    return Markup("\n".join(
        f'    <div class="pair" data-seg="{row.number}" id="s{row.number}">\n'
        f'      <div class="half mine" lang="{mine}">{row.mine}</div>\n'
        f'      <div class="half theirs" lang="{theirs}">{row.theirs}</div>\n'
        '    </div>' for row in rows))


def plain_body(blocks) -> str:
    """The body's HTML as a plain string, so an XML template escapes it (Atom type="html")."""
    return "\n".join(block.html for block in blocks)


def section_key(name: str) -> str:
    """A section name compared loosely: case, no-break spaces and runs of spaces do not matter."""
    return " ".join(name.replace("\u00a0", " ").split()).casefold()


def section_label(sections: dict, name: str, lang: str) -> str:
    """The section's name in lang when site.yaml translates it, else as the seeds write it."""
    names = next((v for k, v in sections.items() if section_key(str(k)) == section_key(name)), None)
    return str(names.get(lang) or name) if isinstance(names, dict) else name


def section_url(section: Section, lang: str) -> str:
    """Site-relative URL of a section's listing."""
    return f"{lang}/section/{section.slug}/"


def language_variables(env: Environment, lang: str) -> dict:
    """What every template sees for a page in lang: its interface strings `t` and the typeset `site_title`."""
    title = env.globals["config"].title[lang]
    return {"t": env.globals["strings"][lang], "site_title": env.filters["typeset"](title, lang)}
