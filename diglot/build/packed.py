"""A tuple kept as its pickled bytes and unpickled at each read, never held unpickled.

For what the site model carries of every article but only a few pages read: its sentences'
marks (the article and side-by-side pages) and its sentence beads (the review page). As objects
they took 11.7 KB an article (10,000 articles: 117 MB in the main process and in every worker
forked from it); as pickled bytes, 1.1 to 1.4 KB; compressed, 0.6 KB.
"""
from __future__ import annotations

import pickle
import zlib


class Packed:
    """A tuple, read like one, held as its pickled bytes, compressed (zlib's fastest level: the
    numbers of sentence marks repeat, and their pickles were a fifth of the site model)."""

    __slots__ = ("data",)

    def __init__(self, items=(), data: bytes | None = None):
        self.data = data if data is not None else \
            zlib.compress(pickle.dumps(tuple(items), protocol=pickle.HIGHEST_PROTOCOL), 1)

    def unpacked(self) -> tuple:
        """The items, unpickled now (each reader unpickles its own: none stays in memory)."""
        return pickle.loads(zlib.decompress(self.data))

    def __reduce__(self):
        """Pickle as the bytes."""
        return Packed, ((), self.data)

    def __iter__(self):
        """Each item in order."""
        return iter(self.unpacked())

    def __len__(self) -> int:
        """How many items."""
        return len(self.unpacked())

    def __getitem__(self, index):
        """An item, or a tuple of them for a slice."""
        return self.unpacked()[index]

    def __eq__(self, other) -> bool:
        """Equal to a Packed or a tuple of the same items."""
        if isinstance(other, Packed):
            return self.data == other.data or self.unpacked() == other.unpacked()
        return self.unpacked() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        """Hash of the items, as the tuple's."""
        return hash(self.unpacked())

    def __repr__(self) -> str:
        """The items, as a tuple would show them."""
        return f"Packed({self.unpacked()!r})"
