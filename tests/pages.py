"""A tiny HTML reader for tests: the tags of a page with their attributes and text."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Tag:
    name: str
    attrs: dict
    text: str = ""


@dataclass
class Page:
    tags: list[Tag] = field(default_factory=list)

    def find(self, name: str, **attrs) -> list[Tag]:
        """Tags with this name whose attributes include attrs (True = present)."""
        return [t for t in self.tags if t.name == name and all(
            (k.replace("_", "-") in t.attrs) if v is True else t.attrs.get(k.replace("_", "-")) == v
            for k, v in attrs.items())]

    def one(self, name: str, **attrs) -> Tag:
        found = self.find(name, **attrs)
        assert len(found) == 1, f"expected one <{name} {attrs}>, found {len(found)}"
        return found[0]


class Collector(HTMLParser):
    VOID = {"meta", "link", "img", "br", "hr", "input", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page, self.open = Page(), []

    def handle_starttag(self, tag, attrs):
        node = Tag(tag, {k: (v if v is not None else "") for k, v in attrs})
        self.page.tags.append(node)
        if tag not in self.VOID:
            self.open.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].name == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        for node in self.open:
            node.text += data


def read_page(path: Path) -> Page:
    """Parse a built HTML file."""
    collector = Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.page
