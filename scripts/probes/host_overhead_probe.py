"""Times, on this CPU, the kinds of per-iteration host work a synchronous Python serving engine does
(REFERENCE.md §7: input preparation with numpy, a block table per sequence, the batch pickled to the
second rank and again by an output thread, one np.append per generated token), to put a number on
the per-sequence and per-prompt-token host cost of an iteration. Written from that description; it
is a proxy of the pattern, not the engine. Needs numpy (Debian: python3-numpy). Prints one line
per case: the fitted seconds per decode sequence and per prefill token.
"""
import pickle
import time
from collections import deque

import numpy as np

BLOCK = 16


class Seq:
    def __init__(self, n_tokens, rng):
        self.tokens = rng.integers(0, 150000, n_tokens, dtype=np.int64)
        self.block_table = list(range(0, (n_tokens + BLOCK - 1) // BLOCK))
        self.status, self.stage, self.processed = 2, -1, n_tokens

    def state(self, prefilling):
        return (self.status, self.stage, self.processed, len(self.tokens), 0.0, False, 512, self.block_table,
                self.tokens if prefilling else int(self.tokens[-1]))


def iteration(decodes, prefill, chunk):
    # schedule: move every running sequence through a deque
    q = deque(decodes)
    scheduled = [q.popleft() for _ in range(len(q))]
    # prepare: per-sequence arrays, the decode slot of each sequence, block tables row by row
    ids = np.array([], dtype=np.int64)
    pos = np.array([], dtype=np.int64)
    slots, ctx = [], []
    if prefill is not None:
        start = prefill.processed - chunk
        ids = np.concatenate((ids, prefill.tokens[start:prefill.processed]))
        pos = np.concatenate((pos, np.arange(start, prefill.processed)))
        pieces = [np.arange(b * BLOCK, (b + 1) * BLOCK) for b in range(start // BLOCK, (prefill.processed - 1) // BLOCK + 1)]
        slots.extend(np.concatenate(pieces)[: chunk])
    for s in scheduled:
        ids = np.concatenate((ids, s.tokens[-1:]))
        pos = np.concatenate((pos, np.array([len(s.tokens) - 1])))
        ctx.append(len(s.tokens))
        slots.append(s.block_table[-1] * BLOCK + 3)
    width = max((len(s.block_table) for s in scheduled), default=1)
    table = np.full((len(scheduled), width), -1, dtype=np.int32)
    for i, s in enumerate(scheduled):
        table[i, : len(s.block_table)] = s.block_table
    slot_array = np.array(slots, dtype=np.int32)
    # the batch to the other rank, read back there, and again by the output thread
    batch = [s.state(False) for s in scheduled] + ([prefill.state(True)] if prefill is not None else [])
    pickle.loads(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
    pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    # post-process: one token appended to every decoding sequence
    for s in scheduled:
        s.tokens = np.append(s.tokens, [7])
    return ids.size + pos.size + slot_array.size + table.size


def seconds(fn, repeats=30):
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    rng = np.random.default_rng(0)
    for context in (2500, 9000):
        pool = [Seq(context, rng) for _ in range(128)]
        t = {b: seconds(lambda b=b: iteration(pool[:b], None, 0)) for b in (8, 32, 64, 128)}
        per_seq = (t[128] - t[8]) / 120
        print(f"decode context {context:5d}: {t[8]*1e3:.3f} ms at 8 sequences, {t[128]*1e3:.3f} ms at 128 -> {per_seq*1e6:.1f} us per sequence")
    prefill = Seq(9000, rng)
    t = {c: seconds(lambda c=c: iteration([], prefill, c)) for c in (512, 2048, 8192)}
    per_token = (t[8192] - t[512]) / (8192 - 512)
    print(f"prefill slice: {t[512]*1e3:.3f} ms at 512 tokens, {t[8192]*1e3:.3f} ms at 8192 -> {per_token*1e9:.0f} ns per prompt token")


if __name__ == "__main__":
    main()
