"""Results by key, least recently used dropped first, within a bound in bytes: what the server
keeps for every visitor (the Keras lane's answers, the graphs' SVG). Not locked: its owner is."""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Callable


def pickled_size(value) -> int:
    return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class KeptResults:
    """Values by key within `max_bytes`, each counted as `size(value)` (pickled, by default)."""

    def __init__(self, max_bytes: int, size: Callable[[object], int] = pickled_size):
        self.max_bytes, self.size = max_bytes, size
        self._items, self._bytes = OrderedDict(), 0

    def get(self, key):
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key][0]

    def put(self, key, value) -> None:
        size = self.size(value)
        if size > self.max_bytes:
            return
        if key in self._items:
            self._bytes -= self._items.pop(key)[1]
        self._items[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            self._bytes -= self._items.popitem(last=False)[1][1]

    def values(self) -> list:
        """The kept values, least recently used first."""
        return [value for value, _ in self._items.values()]
