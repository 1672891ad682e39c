"""A thread-safe LRU cache with per-entry time-to-live and hit statistics.

Used to keep rendered prompts and tokenizer results close at hand without
letting memory grow without bound.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Generic, Hashable, Iterator, Optional, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING = object()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0
    expirations: int = 0

    @property
    def requests(self) -> int:
        return self.hits + self.misses

    @property
    def hit_rate(self) -> float:
        return self.hits / self.requests if self.requests else 0.0

    def __str__(self) -> str:
        return (
            f"{self.hits} hits, {self.misses} misses "
            f"({self.hit_rate:.1%}), {self.evictions} evicted, "
            f"{self.expirations} expired"
        )


@dataclass
class _Entry(Generic[V]):
    value: V
    expires_at: Optional[float] = None
    size: int = 1

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at


@dataclass
class LRUCache(Generic[K, V]):
    """Least-recently-used cache.

    ``capacity`` bounds the total ``size`` of the entries (1 per entry unless
    a ``sizeof`` function is given). ``ttl`` is a default lifetime in seconds.
    """

    capacity: int = 1024
    ttl: Optional[float] = None
    sizeof: Optional[Callable[[V], int]] = None
    clock: Callable[[], float] = time.monotonic
    stats: CacheStats = field(default_factory=CacheStats)
    _data: "OrderedDict[K, _Entry[V]]" = field(default_factory=OrderedDict, repr=False)
    _used: int = field(default=0, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        if self.capacity <= 0:
            raise ValueError("capacity must be positive")
        if self.ttl is not None and self.ttl <= 0:
            raise ValueError("ttl must be positive or None")

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            entry = self._data.get(key)  # type: ignore[arg-type]
            return entry is not None and not entry.expired(self.clock())

    def __iter__(self) -> Iterator[K]:
        with self._lock:
            return iter(list(self._data.keys()))

    def get(self, key: K, default: Optional[V] = None) -> Optional[V]:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                self.stats.misses += 1
                return default
            if entry.expired(self.clock()):
                self._remove(key)
                self.stats.expirations += 1
                self.stats.misses += 1
                return default
            self._data.move_to_end(key)
            self.stats.hits += 1
            return entry.value

    def put(self, key: K, value: V, ttl: Optional[float] = None) -> None:
        size = self.sizeof(value) if self.sizeof else 1
        if size > self.capacity:
            raise ValueError(f"entry of size {size} exceeds capacity {self.capacity}")
        lifetime = ttl if ttl is not None else self.ttl
        expires_at = self.clock() + lifetime if lifetime is not None else None
        with self._lock:
            if key in self._data:
                self._remove(key)
            self._data[key] = _Entry(value, expires_at, size)
            self._used += size
            self._shrink()

    def get_or_compute(self, key: K, compute: Callable[[K], V]) -> V:
        """Return the cached value, computing and storing it on a miss.

        The lock is not held while ``compute`` runs, so two threads may
        compute the same key; the later result wins.
        """
        found = self.get(key, _MISSING)  # type: ignore[arg-type]
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        value = compute(key)
        self.put(key, value)
        return value

    def pop(self, key: K, default: Optional[V] = None) -> Optional[V]:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return default
            self._remove(key)
            return entry.value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._used = 0

    def purge_expired(self) -> int:
        """Drop every expired entry now; returns how many were dropped."""
        now = self.clock()
        with self._lock:
            stale = [k for k, e in self._data.items() if e.expired(now)]
            for key in stale:
                self._remove(key)
            self.stats.expirations += len(stale)
            return len(stale)

    def _remove(self, key: K) -> None:
        entry = self._data.pop(key)
        self._used -= entry.size

    def _shrink(self) -> None:
        while self._used > self.capacity and self._data:
            oldest = next(iter(self._data))
            self._remove(oldest)
            self.stats.evictions += 1


def memoize(capacity: int = 256, ttl: Optional[float] = None):
    """Decorator: cache a function of hashable positional arguments."""

    def decorate(fn: Callable[..., V]) -> Callable[..., V]:
        cache: LRUCache[tuple, V] = LRUCache(capacity=capacity, ttl=ttl)

        def wrapper(*args: Hashable) -> V:
            return cache.get_or_compute(args, lambda key: fn(*key))

        wrapper.cache = cache  # type: ignore[attr-defined]
        wrapper.__name__ = fn.__name__
        wrapper.__doc__ = fn.__doc__
        return wrapper

    return decorate


@memoize(capacity=128)
def fibonacci(n: int) -> int:
    if n < 2:
        return n
    return fibonacci(n - 1) + fibonacci(n - 2)


if __name__ == "__main__":
    cache: LRUCache[str, str] = LRUCache(capacity=3, ttl=60)
    for word in ["alpha", "beta", "gamma", "alpha", "delta", "beta"]:
        if cache.get(word) is None:
            cache.put(word, word.upper())
    print(list(cache), cache.stats)
    print(fibonacci(80), fibonacci.cache.stats)  # type: ignore[attr-defined]
