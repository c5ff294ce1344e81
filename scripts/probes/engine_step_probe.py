"""Host time of one serving-engine step, measured on this CPU with a stand-in of the authors' engine.

The authors' engine (github scale-snu/layered-prefill, HEAD 427f441, a nano-vllm fork, AGPL: read, not copied)
runs every step synchronously in Python on rank 0 and, for TP 2, on a second process (rank 1):

  rank 0: Scheduler.schedule (scheduler.py:47-122 chunked, :226-328 layered; block_manager.py can_append/may_append)
          -> ModelRunner.call("run", seqs): write_shm pickles [method, seqs] into a 1 MiB shared buffer
             (model_runner.py:184-193); each Sequence pickles through __getstate__ (sequence.py:97-99): 13 fields,
             the block table as a Python list, and the whole token array for WAITING/PREFILLING, the last token otherwise
          -> prepare (model_runner.py:273-395): per sequence np.concatenate of input ids and positions, a slot per
             decode, one np.arange per KV block of a prompt slice then list.extend of the numpy array, block tables
             through torch.full + a numpy view filled row by row (prepare_block_tables, :254-270), torch.tensor of
             the Python lists; prepare_sample (:397-402)
          -> the model (kernels; its per-layer dispatch is a separate term) -> sampler .tolist()
          -> store_intermediate loop (:419-439) -> Scheduler.postprocess (scheduler.py:337-370): np.append of the
             new token to each decoding sequence's array (sequence.py:92-95), finish checks, deque.remove
          -> output_queue: a thread pickles the batch again (engine_core.py:116-123, 153-167).
  rank 1: waits for the event, unpickles the batch (Sequence.__setstate__) and runs the same prepare on its copies
          (model_runner.py:168-182); both ranks meet at the first all-reduce of layer 0.

So the host time that delays the GPU each step is
  schedule + pickle + shm copy + max(rank-0 prepare + prepare_sample, rank-1 unpickle + prepare) + sample/store/postprocess
which this script measures piece by piece on stand-ins written from that reading (same data structures and the same
numpy/torch/pickle calls per sequence, block and token). The output thread's second pickling runs while rank 0 waits
for the GPU (the sampler's .tolist() releases the GIL), so it is reported but not added. Not measured here: the
.cuda(non_blocking=True) copies and pinned allocations (a fixed count per step, no GPU here), the kernels.

Needs numpy and torch (Debian: python3-numpy python3-torch; the engine's torch calls are timed on CPU tensors).
Times are this thread's CPU time (time.thread_time), the median over the repeats of one engine and the least of
several fresh engines, so other load on a shared machine counts as little as it can. Usage: /usr/bin/python3 scripts/probes/engine_step_probe.py [--repeats N] [--runs R] [--quick]
Prints one line per case and a least-squares fit of the step's host time to
  fixed + per sequence + per prompt token scheduled + per context token of each decoding sequence.
"""
import argparse
import gc
import pickle
import statistics
import time
from collections import deque
from enum import Enum, auto
from multiprocessing import shared_memory

import numpy as np
import torch

BLOCK = 16
# This thread's CPU time: on a shared machine the wall clock also counts the time other processes hold the core.
CLOCK = time.thread_time


class Status(Enum):
    WAITING = auto()
    PREFILLING = auto()
    DECODING = auto()
    FINISHED = auto()
    ERROR = auto()


class Seq:
    """A stand-in for the engine's Sequence: the same fields and the same pickled state."""

    def __init__(self, seq_id, tokens, max_tokens):
        self.seq_id = seq_id
        self.status = Status.WAITING
        self.token_ids = np.array(tokens, dtype=np.int64)
        self.last_token = int(self.token_ids[-1])
        self.num_tokens = len(self.token_ids)
        self.num_prompt_tokens = len(self.token_ids)
        self.num_processed_tokens = 0
        self.num_tokens_to_process = 0
        self.block_table = []
        self.temperature = 0.0
        self.max_tokens = max_tokens
        self.ignore_eos = False
        self.stage = -1
        self.num_stages = -1
        self.error_message = ""

    def __len__(self):
        return self.num_tokens

    def __getitem__(self, key):
        return self.token_ids[key]

    @property
    def num_blocks(self):
        return (self.num_tokens + BLOCK - 1) // BLOCK

    @property
    def last_block_num_tokens(self):
        return self.num_tokens - (self.num_blocks - 1) * BLOCK

    @property
    def num_completion_tokens(self):
        return self.num_tokens - self.num_prompt_tokens

    def append_token(self, token):
        self.token_ids = np.append(self.token_ids, [token])
        self.last_token = token
        self.num_tokens += 1

    def __getstate__(self):
        head = (self.status, self.stage, self.num_stages, self.seq_id, self.num_tokens, self.num_prompt_tokens,
                self.num_processed_tokens, self.num_tokens_to_process, self.temperature, self.ignore_eos,
                self.max_tokens, self.block_table, self.error_message)
        tail = self.token_ids if self.status in (Status.WAITING, Status.PREFILLING) else self.last_token
        return head + (tail,)

    def __setstate__(self, state):
        (self.status, self.stage, self.num_stages, self.seq_id, self.num_tokens, self.num_prompt_tokens,
         self.num_processed_tokens, self.num_tokens_to_process, self.temperature, self.ignore_eos,
         self.max_tokens, self.block_table, self.error_message) = state[:-1]
        if self.status in (Status.WAITING, Status.PREFILLING):
            self.token_ids, self.last_token = state[-1], -1
        else:
            self.last_token = state[-1]


class Block:
    def __init__(self, block_id):
        self.block_id, self.ref_count, self.hash, self.token_ids = block_id, 0, -1, []


class Blocks:
    """The block manager's bookkeeping: block objects, a deque of free ids, a set of used ids."""

    def __init__(self, count):
        self.blocks = [Block(i) for i in range(count)]
        self.free = deque(range(count))
        self.used = set()

    def take(self):
        block_id = self.free[0]
        block = self.blocks[block_id]
        block.ref_count, block.hash, block.token_ids = 1, -1, []
        self.free.remove(block_id)
        self.used.add(block_id)
        return block_id

    def allocate(self, seq):
        for _ in range(seq.num_blocks):
            seq.block_table.append(self.take())

    def can_append(self, seq):
        return len(self.free) >= (len(seq) % BLOCK == 1)

    def may_append(self, seq):
        if len(seq) % BLOCK == 1:
            seq.block_table.append(self.take())


class Engine:
    """Scheduler queues and the two ranks' host work for one step."""

    def __init__(self, blocks, budget, max_seqs, layers=48):
        self.blocks = Blocks(blocks)
        self.budget, self.max_seqs, self.layers = budget, max_seqs, layers
        self.waiting, self.prefilling, self.decoding = deque(), deque(), deque()
        self.shm = shared_memory.SharedMemory(create=True, size=2 ** 20)

    def close(self):
        self.shm.close()
        self.shm.unlink()

    # --- rank 0, before the GPU ---
    def schedule_chunked(self):
        prefill, decode, tokens, count = [], [], 0, 0
        while self.decoding and tokens < self.budget and count < self.max_seqs:
            seq = self.decoding.popleft()
            if not self.blocks.can_append(seq):
                raise RuntimeError("stand-in ran out of KV blocks")
            tokens += 1
            self.blocks.may_append(seq)
            decode.append(seq)
            count += 1
        while self.prefilling and tokens < self.budget and count < self.max_seqs:
            seq = self.prefilling[0]
            seq.num_tokens_to_process = min(len(seq) - seq.num_processed_tokens, self.budget - tokens)
            tokens += seq.num_tokens_to_process
            self.prefilling.popleft()
            prefill.append(seq)
            count += 1
        while self.waiting and tokens < self.budget and count < self.max_seqs:
            seq = self.waiting[0]
            if len(self.blocks.free) < seq.num_blocks:
                break
            self.blocks.allocate(seq)
            seq.num_tokens_to_process = min(len(seq) - seq.num_processed_tokens, self.budget - tokens)
            tokens += seq.num_tokens_to_process
            self.waiting.popleft()
            prefill.append(seq)
            count += 1
        for seq in prefill:
            seq.status = Status.PREFILLING
            self.prefilling.append(seq)
        self.decoding.extendleft(reversed(decode))
        return prefill + decode

    def write_shm(self, seqs):
        data = pickle.dumps(["run", seqs], protocol=pickle.HIGHEST_PROTOCOL)
        self.shm.buf[0:4] = len(data).to_bytes(4, "little")
        self.shm.buf[4:len(data) + 4] = data
        return len(data)

    def read_shm(self):
        n = int.from_bytes(self.shm.buf[0:4], "little")
        _, seqs = pickle.loads(self.shm.buf[4:n + 4])
        return seqs

    def prepare(self, seqs):
        input_ids = np.array([], dtype=np.int64)
        positions = np.array([], dtype=np.int64)
        cu_q, cu_k, max_q, max_k = [0], [0], 0, 0
        slots, context_lens, prefill_seqs, decode_seqs = [], [], [], []
        compute_layers = None
        for seq in seqs:
            if seq.status == Status.PREFILLING:
                prefill_seqs.append(seq)
                end = seq.num_processed_tokens + seq.num_tokens_to_process
                input_ids = np.concatenate((input_ids, seq[seq.num_processed_tokens:end]))
                positions = np.concatenate((positions, np.arange(seq.num_processed_tokens, end)))
                cu_q.append(cu_q[-1] + seq.num_tokens_to_process)
                cu_k.append(cu_k[-1] + end)
                max_q, max_k = max(seq.num_tokens_to_process, max_q), max(end, max_k)
                if not seq.block_table:
                    continue
                first = seq.num_processed_tokens
                pieces = []
                for b in range(first // BLOCK, (end - 1) // BLOCK + 1):
                    lo = seq.block_table[b] * BLOCK
                    hi = lo + BLOCK if b != seq.num_blocks - 1 else lo + seq.last_block_num_tokens
                    if b * BLOCK < first:
                        lo += first - b * BLOCK
                    if (b + 1) * BLOCK > end:
                        hi = min(hi, seq.block_table[b] * BLOCK + end - b * BLOCK)
                    pieces.append(np.arange(lo, hi))
                slots.extend(np.concatenate(pieces))
                if seq.stage != -1:
                    layers = set(np.array_split(np.arange(self.layers), seq.num_stages)[seq.stage].tolist())
                    if compute_layers is not None and compute_layers != layers:
                        raise RuntimeError("one stage per step")
                    compute_layers = layers
            elif seq.status == Status.DECODING:
                decode_seqs.append(seq)
                input_ids = np.concatenate((input_ids, np.array([seq.last_token], dtype=np.int64)))
                positions = np.concatenate((positions, np.array([len(seq) - 1], dtype=np.int64)))
                context_lens.append(len(seq))
                slots.append(seq.block_table[-1] * BLOCK + seq.last_block_num_tokens - 1)
        prefill_tables = self.block_tables(prefill_seqs) if cu_k[-1] > cu_q[-1] else None
        decode_tables = self.block_tables(decode_seqs)
        tensors = (torch.tensor(cu_q, dtype=torch.int32), torch.tensor(cu_k, dtype=torch.int32),
                   torch.tensor(slots, dtype=torch.int32), torch.tensor(context_lens, dtype=torch.int32),
                   torch.from_numpy(input_ids), torch.from_numpy(positions))
        return tensors, prefill_tables, decode_tables, compute_layers

    @staticmethod
    def block_tables(seqs):
        if not seqs:
            return None
        width = max(len(s.block_table) for s in seqs)
        table = torch.full((len(seqs), width), -1, dtype=torch.int32)
        view = table.numpy()
        for i, seq in enumerate(seqs):
            view[i, :len(seq.block_table)] = seq.block_table
        return table

    @staticmethod
    def prepare_sample(seqs):
        return torch.tensor([seq.temperature for seq in seqs], dtype=torch.float32)

    # --- rank 0, after the GPU ---
    @staticmethod
    def store_intermediate(seqs, intermediate):
        start = 0
        for seq in seqs:
            stop = start + seq.num_tokens_to_process
            if seq.stage != -1 and seq.status == Status.PREFILLING:
                intermediate[seq.seq_id] = (start, stop)
            if seq.stage >= seq.num_stages - 1:
                intermediate.pop(seq.seq_id, None)
            start = stop

    def postprocess(self, seqs, tokens):
        for seq, token in zip(seqs, tokens):
            if seq.status == Status.PREFILLING:
                seq.num_processed_tokens += seq.num_tokens_to_process
                if seq.num_processed_tokens >= len(seq):
                    seq.status = Status.DECODING
                    self.prefilling.remove(seq)
                    self.decoding.append(seq)
            if seq.status == Status.DECODING:
                seq.append_token(token)
                if token == -7 or seq.num_completion_tokens >= seq.max_tokens:
                    seq.status = Status.FINISHED
                    self.decoding.remove(seq)


def build(decodes, context, prefill_tokens, prefill_context, stages, rng):
    """An engine holding `decodes` decoding sequences of `context` tokens and, if prefill_tokens > 0, one prompt whose
    first prefill_context tokens are in the KV cache and whose next prefill_tokens the step schedules (a slice in the
    middle of a longer prompt, so it stays PREFILLING from repeat to repeat). stages > 0 marks the slice as one stage of
    a layered batch (the step then also builds the stage's layer set)."""
    blocks = decodes * (context // BLOCK + 64) + (prefill_context + prefill_tokens + 1024) // BLOCK + 64
    engine = Engine(blocks, max(512, decodes + prefill_tokens), 256)
    for i in range(decodes):
        seq = Seq(i, rng.integers(0, 150000, context), max_tokens=10 ** 9)
        engine.blocks.allocate(seq)
        seq.status, seq.num_processed_tokens = Status.DECODING, context
        engine.decoding.append(seq)
    prompt = None
    if prefill_tokens > 0:
        prompt = Seq(10 ** 6, rng.integers(0, 150000, prefill_context + prefill_tokens + 1024), max_tokens=10 ** 9)
        engine.blocks.allocate(prompt)
        prompt.status = Status.PREFILLING
        if stages:
            prompt.stage, prompt.num_stages = stages // 2, stages
        engine.prefilling.append(prompt)
    return engine, prompt


def step(engine, prompt, prefill_context):
    """One step; returns the CPU seconds of each host phase."""
    if prompt is not None:  # the same slice every repeat
        prompt.num_processed_tokens = prefill_context
    t = [CLOCK()]
    seqs = engine.schedule_chunked()
    t.append(CLOCK())
    engine.write_shm(seqs)
    t.append(CLOCK())
    engine.prepare(seqs)
    engine.prepare_sample(seqs)
    t.append(CLOCK())
    remote = engine.read_shm()
    t.append(CLOCK())
    engine.prepare(remote)
    t.append(CLOCK())
    tokens = torch.full((len(seqs),), 11, dtype=torch.int64).tolist()
    engine.store_intermediate(seqs, {})
    engine.postprocess(seqs, tokens)
    t.append(CLOCK())
    pickle.dumps((1, seqs), protocol=pickle.HIGHEST_PROTOCOL)  # the output thread
    t.append(CLOCK())
    sched, dump, prep0, load, prep1, post, output = (b - a for a, b in zip(t, t[1:]))
    return {"schedule": sched, "pickle": dump, "prepare": prep0, "unpickle": load, "remote_prepare": prep1,
            "post": post, "output_thread": output}


def critical(m, output_hidden):
    """Host seconds on the step's critical path. The output thread is woken by the step's last act and pickles while
    rank 0 runs the next step's host work, holding the GIL whenever rank 0 releases it (each torch call does): it
    delays rank 0 by its own time unless output_hidden says it overlapped a GPU wait instead."""
    rank0 = m["prepare"] + (0 if output_hidden else m["output_thread"])
    rank1 = m["unpickle"] + m["remote_prepare"]
    return m["schedule"] + m["pickle"] + max(rank0, rank1) + m["post"]


def measure(case, repeats, runs, rng):
    """Median over `repeats` steps of one engine, then the least of `runs` such engines: other processes on a shared
    machine still cost a step cache misses in CPU time, and the least-disturbed run is the best estimate."""
    decodes, context, prefill_tokens, prefill_context, stages = case
    best = None
    for _ in range(runs):
        engine, prompt = build(decodes, context, prefill_tokens, prefill_context, stages, rng)
        try:
            gc.disable()  # the engine's step runs under disable_gc (engine_core.py:116, model_runner.py:411)
            samples = [step(engine, prompt, prefill_context) for _ in range(repeats + 3)][3:]
        finally:
            gc.enable()
            engine.close()
        m = {k: statistics.median(s[k] for s in samples) for k in samples[0]}
        if best is None or critical(m, False) < critical(best, False):
            best = m
    return best


def fit(rows, output_hidden):
    """Least squares on relative error (the cases span 0.05 to 15 ms):
    critical = fixed + a*sequences + b*prompt tokens + c*decode context tokens."""
    x = np.array([[1.0, r["seqs"], r["prefill"], r["ctx_tokens"]] for r in rows])
    y = np.array([critical(r, output_hidden) for r in rows])
    coef, *_ = np.linalg.lstsq(x / y[:, None], np.ones_like(y), rcond=None)
    return coef, (x @ coef - y) / y


CASES = (
    # decode-only steps: sequences x context
    [(n, c, 0, 0, 0) for c in (600, 1500, 2600, 5000, 9000) for n in (1, 8, 32, 64, 96, 128, 192, 256)]
    # chunked-512 steps: decodes plus a 512 - n token slice, first chunk or with 4096 tokens of context
    + [(n, c, 512 - n, pc, 0) for n, c in ((0, 0), (16, 2600), (64, 2600), (96, 2600), (128, 2600), (8, 9000)) for pc in (0, 4096)]
    # one prompt slice alone (prefill-first / one chunk / one layered stage of a batch)
    + [(0, 0, p, 0, 0) for p in (512, 1024, 2048, 4096, 8192)]
    # a layered stage: an 8192-token batch plus decodes
    + [(n, 6000, 8192, 0, 16) for n in (0, 8, 32)]
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5, help="fresh engines per case; the least-disturbed one counts")
    parser.add_argument("--quick", action="store_true", help="a few cases only")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    cases = CASES if not args.quick else [c for c in CASES if c[1] in (0, 2600)]
    rows = []
    print("decodes context prefill prefill_ctx stages | critical_ms (output hidden) | schedule pickle prepare unpickle "
          "remote_prepare post output_thread (ms)")
    for case in cases:
        m = measure(case, args.repeats, args.runs, rng)
        decodes, context, prefill, prefill_context, stages = case
        rows.append(dict(m, seqs=decodes + (1 if prefill else 0), prefill=prefill, ctx_tokens=decodes * context))
        print(f"{decodes:7d} {context:7d} {prefill:7d} {prefill_context:11d} {stages:6d} | {critical(m, False) * 1e3:7.3f} "
              f"({critical(m, True) * 1e3:7.3f}) | " + " ".join(f"{m[k] * 1e3:.3f}" for k in
              ("schedule", "pickle", "prepare", "unpickle", "remote_prepare", "post", "output_thread")))
    for hidden in (False, True):
        coef, resid = fit(rows, hidden)
        print(f"fit ({'output thread hidden' if hidden else 'output thread on the critical path'}): "
              f"fixed {coef[0] * 1e6:.1f} us + {coef[1] * 1e6:.2f} us/sequence + {coef[2] * 1e9:.1f} ns/prompt token "
              f"+ {coef[3] * 1e9:.2f} ns/decode context token; relative residual rms {np.sqrt(np.mean(resid ** 2)) * 100:.0f}%, "
              f"max {np.max(np.abs(resid)) * 100:.0f}%")


if __name__ == "__main__":
    main()
