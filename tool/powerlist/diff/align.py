"""Pair the child rows of one item that found no identical counterpart.

These are the changed rows only (a handful per item), so Python may look at them closely:
equal numbers on both sides pair in order (a rewritten step stays one modification); otherwise
an order-keeping alignment pairs the most similar rows and leaves the rest added or removed.
"""

from __future__ import annotations

from typing import Callable

from ..textdiff import similarity as _similarity

THRESHOLD = 0.5


def similarity(a: str, b: str) -> float:
    return _similarity(a, b, THRESHOLD)


def pair_rows(olds: list[dict], news: list[dict], text: Callable[[dict], str]) -> list[tuple[dict | None, dict | None]]:
    if not olds or not news:
        return [(o, None) for o in olds] + [(None, n) for n in news]
    if len(olds) == len(news):
        return list(zip(olds, news))
    a, b = [text(r) for r in olds], [text(r) for r in news]
    sim = [[similarity(x, y) for y in b] for x in a]
    # Best total similarity over order-keeping pairings (Needleman-Wunsch without gap cost).
    best = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            take = sim[i][j] + best[i + 1][j + 1] if sim[i][j] >= THRESHOLD else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[dict | None, dict | None]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        if sim[i][j] >= THRESHOLD and best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            pairs.append((olds[i], news[j]))
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((olds[i], None))
            i += 1
        else:
            pairs.append((None, news[j]))
            j += 1
    pairs += [(o, None) for o in olds[i:]] + [(None, n) for n in news[j:]]
    return pairs
