#!/usr/bin/env python3
"""Convert a Hugging Face Qwen3 checkpoint to a GGUF v3 file for llama.cpp (architecture "qwen3").

Benchmark tooling only: standard library, no numpy. Tensor data is streamed in chunks, so
converting a 1.2 GB model needs only a few MiB of Python memory.

    python3 bench/llama-cpp/hf_to_gguf.py --model HF_DIR --tokenizer TOK_DIR --out FILE.gguf [--dtype bf16|f32]

Metadata, vocabulary and tensor names follow what llama.cpp's convert_hf_to_gguf.py writes for
Qwen3ForCausalLM. 1-D (norm) weights are stored as F32. 2-D weights are stored as BF16 (raw copy of BF16
sources; F16 sources are copied as F16; F32 sources are rounded to BF16) or, with --dtype f32, as F32
(BF16/F16 -> F32 widening is exact).
"""

import argparse
import json
import os
import re
import struct
import sys

# --- GGUF constants -------------------------------------------------------------------------------

GGUF_MAGIC = b"GGUF"
GGUF_VERSION = 3
ALIGNMENT = 32

# Metadata value types.
T_UINT8, T_INT8, T_UINT16, T_INT16, T_UINT32, T_INT32, T_FLOAT32, T_BOOL, T_STRING, T_ARRAY, T_UINT64, T_INT64, T_FLOAT64 = range(13)
SCALAR_FORMATS = {T_UINT8: "<B", T_INT8: "<b", T_UINT16: "<H", T_INT16: "<h", T_UINT32: "<I", T_INT32: "<i",
                  T_FLOAT32: "<f", T_BOOL: "<?", T_UINT64: "<Q", T_INT64: "<q", T_FLOAT64: "<d"}

# ggml tensor types, and bytes per element for the ones written here.
GGML_F32, GGML_F16, GGML_BF16 = 0, 1, 30
GGML_SIZE = {GGML_F32: 4, GGML_F16: 2, GGML_BF16: 2}

# llama.cpp's LlamaFileType (general.file_type).
FILE_TYPE_ALL_F32, FILE_TYPE_MOSTLY_F16, FILE_TYPE_MOSTLY_BF16 = 0, 1, 32

# llama.cpp token types.
TOKEN_NORMAL, TOKEN_CONTROL, TOKEN_USER_DEFINED, TOKEN_UNUSED = 1, 3, 4, 5

CHUNK_BYTES = 16 << 20  # streaming chunk (a multiple of 4 bytes)


def die(message):
    sys.exit(f"hf_to_gguf: error: {message}")


# --- safetensors ----------------------------------------------------------------------------------

class SafeTensor:
    """One tensor in a safetensors file: where its bytes are, not the bytes themselves."""

    def __init__(self, path, name, dtype, shape, begin, end):
        self.path, self.name, self.dtype, self.shape = path, name, dtype, list(shape)
        self.begin, self.end = begin, end  # absolute file offsets

    def chunks(self, chunk_bytes=CHUNK_BYTES):
        with open(self.path, "rb") as f:
            f.seek(self.begin)
            left = self.end - self.begin
            while left > 0:
                data = f.read(min(chunk_bytes, left))
                if not data:
                    die(f"{self.path}: truncated data for {self.name}")
                left -= len(data)
                yield data


def read_safetensors_header(path):
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            die(f"{path}: not a safetensors file")
        (n,) = struct.unpack("<Q", raw)
        header = json.loads(f.read(n))
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = SafeTensor(path, name, info["dtype"], info["shape"], base + begin, base + end)
    return tensors


def load_checkpoint_tensors(model_dir):
    """All tensors of a single-file or sharded checkpoint, by name."""
    index = os.path.join(model_dir, "model.safetensors.index.json")
    single = os.path.join(model_dir, "model.safetensors")
    if os.path.exists(index):
        with open(index, encoding="utf-8") as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
        files = [os.path.join(model_dir, s) for s in shards]
    elif os.path.exists(single):
        files = [single]
    else:
        die(f"{model_dir}: neither model.safetensors nor model.safetensors.index.json")
    tensors = {}
    for path in files:
        tensors.update(read_safetensors_header(path))
    return tensors


# --- element conversions (pure Python, C-speed where possible) ------------------------------------

def bf16_to_f32(data):
    # BF16 is the top half of an F32: interleave two zero bytes below each value (little-endian).
    out = bytearray(len(data) * 2)
    out[2::4] = data[0::2]
    out[3::4] = data[1::2]
    return bytes(out)


def f16_to_f32(data):
    n = len(data) // 2
    return struct.pack(f"<{n}f", *struct.unpack(f"<{n}e", data))


def f32_to_bf16(data):
    # Round to nearest even, as torch/llama.cpp do; NaNs stay (quiet) NaNs.
    n = len(data) // 4
    words = struct.unpack(f"<{n}I", data)
    out = [0x7FC0 if (w & 0x7FFFFFFF) > 0x7F800000 else (w + 0x7FFF + ((w >> 16) & 1)) >> 16 for w in words]
    return struct.pack(f"<{n}H", *out)


def converted_chunks(tensor, out_type):
    """Stream tensor data converted from its safetensors dtype to the ggml type out_type."""
    src = tensor.dtype
    if (src, out_type) in (("BF16", GGML_BF16), ("F16", GGML_F16), ("F32", GGML_F32)):
        convert = None
    elif (src, out_type) == ("BF16", GGML_F32):
        convert = bf16_to_f32
    elif (src, out_type) == ("F16", GGML_F32):
        convert = f16_to_f32
    elif (src, out_type) == ("F32", GGML_BF16):
        convert = f32_to_bf16
    else:
        die(f"{tensor.name}: cannot convert {src} to ggml type {out_type}")
    for chunk in tensor.chunks():
        yield chunk if convert is None else convert(chunk)


# --- GGUF writer ----------------------------------------------------------------------------------

def gguf_string(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def gguf_value(vtype, value):
    if vtype == T_STRING:
        return gguf_string(value)
    return struct.pack(SCALAR_FORMATS[vtype], value)


def gguf_kv(key, vtype, value, elem_type=None):
    out = [gguf_string(key), struct.pack("<I", vtype)]
    if vtype == T_ARRAY:
        out.append(struct.pack("<IQ", elem_type, len(value)))
        if elem_type == T_STRING:
            out.extend(gguf_string(v) for v in value)
        else:
            out.append(struct.pack(f"<{len(value)}{SCALAR_FORMATS[elem_type][1]}", *value))
    else:
        out.append(gguf_value(vtype, value))
    return b"".join(out)


def align(n):
    return (n + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


# --- vocabulary -----------------------------------------------------------------------------------

def looks_special(text):
    # Same heuristic as llama.cpp's converter: <|...|> added tokens are control tokens even if not "special".
    return text.startswith("<|") and text.endswith("|>")


def load_vocab(tok_dir, vocab_size):
    with open(os.path.join(tok_dir, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    model = tok["model"]
    if model.get("type") != "BPE":
        die("tokenizer.json: expected a BPE model")
    by_id = {i: t for t, i in model["vocab"].items()}
    added = {a["id"]: a for a in tok.get("added_tokens", [])}
    for i, a in added.items():
        by_id[i] = a["content"]
    if by_id and max(by_id) >= vocab_size:
        die(f"tokenizer has id {max(by_id)} but config vocab_size is {vocab_size}")
    tokens, types = [], []
    for i in range(vocab_size):
        if i not in by_id:
            tokens.append(f"[PAD{i}]")
            types.append(TOKEN_UNUSED)
        elif i in added:
            tokens.append(by_id[i])
            special = added[i].get("special", False) or looks_special(by_id[i])
            types.append(TOKEN_CONTROL if special else TOKEN_USER_DEFINED)
        else:
            tokens.append(by_id[i])
            types.append(TOKEN_NORMAL)
    # Merges are "a b" strings in older tokenizer.json files and ["a", "b"] pairs in newer ones.
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges", [])]
    return tokens, types, merges, {a["content"]: i for i, a in added.items()}


def special_token_ids(tok_dir, config, added_ids):
    """bos/eos/pad ids the way llama.cpp's SpecialVocab resolves them (tokenizer_config, then config.json)."""
    tc = {}
    path = os.path.join(tok_dir, "tokenizer_config.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            tc = json.load(f)
    ids = {}
    for kind in ("bos", "eos", "pad"):
        name = tc.get(f"{kind}_token")
        if isinstance(name, dict):
            name = name.get("content")
        if isinstance(name, str) and name in added_ids:
            ids[kind] = added_ids[name]
        elif isinstance(config.get(f"{kind}_token_id"), int):
            ids[kind] = config[f"{kind}_token_id"]
    return ids, tc


# --- tensor names ---------------------------------------------------------------------------------

LAYER_MAP = {
    "input_layernorm": "attn_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "self_attn.q_norm": "attn_q_norm",
    "self_attn.k_norm": "attn_k_norm",
    "post_attention_layernorm": "ffn_norm",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
LAYER_RE = re.compile(r"^model\.layers\.(\d+)\.(.+)\.weight$")


def gguf_name(hf_name, tied):
    if hf_name == "model.embed_tokens.weight":
        return "token_embd.weight"
    if hf_name == "model.norm.weight":
        return "output_norm.weight"
    if hf_name == "lm_head.weight":
        return None if tied else "output.weight"
    m = LAYER_RE.match(hf_name)
    if m and m.group(2) in LAYER_MAP:
        return f"blk.{m.group(1)}.{LAYER_MAP[m.group(2)]}.weight"
    die(f"unexpected tensor {hf_name}")


def blk_sort_key(name):
    m = re.match(r"^blk\.(\d+)\.", name)
    return (1, int(m.group(1)), name) if m else ((0, 0, name) if name == "token_embd.weight" else (2, 0, name))


# --- main -----------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="Hugging Face Qwen3 folder (config.json + safetensors)")
    ap.add_argument("--tokenizer", required=True, help="folder with tokenizer.json (and tokenizer_config.json)")
    ap.add_argument("--out", required=True, help="output .gguf file")
    ap.add_argument("--dtype", choices=("bf16", "f32"), default="bf16", help="type of the 2-D weights (default bf16)")
    args = ap.parse_args()

    with open(os.path.join(args.model, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    if config.get("model_type") != "qwen3":
        die(f"config.json: model_type is {config.get('model_type')!r}, expected 'qwen3'")
    tied = bool(config.get("tie_word_embeddings", False))
    vocab_size = int(config["vocab_size"])
    head_dim = int(config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"])

    # Tensors: GGUF name -> (source, ggml type, GGUF dims innermost-first).
    src = load_checkpoint_tensors(args.model)
    plan = []
    for hf_name, t in src.items():
        name = gguf_name(hf_name, tied)
        if name is None:
            continue
        if t.dtype not in ("BF16", "F16", "F32"):
            die(f"{hf_name}: unsupported dtype {t.dtype}")
        if len(t.shape) == 1 or args.dtype == "f32":
            out_type = GGML_F32
        else:
            out_type = GGML_F16 if t.dtype == "F16" else GGML_BF16
        plan.append((name, t, out_type, list(reversed(t.shape))))
    plan.sort(key=lambda p: blk_sort_key(p[0]))
    names = {p[0] for p in plan}
    if "token_embd.weight" not in names or (not tied and "output.weight" not in names):
        die("missing embedding or lm_head tensor")

    two_d_types = {p[2] for p in plan if len(p[3]) == 2}
    file_type = (FILE_TYPE_ALL_F32 if two_d_types == {GGML_F32}
                 else FILE_TYPE_MOSTLY_F16 if two_d_types == {GGML_F16} else FILE_TYPE_MOSTLY_BF16)

    tokens, token_types, merges, added_ids = load_vocab(args.tokenizer, vocab_size)
    special, tok_config = special_token_ids(args.tokenizer, config, added_ids)

    u32 = T_UINT32
    kvs = [
        gguf_kv("general.architecture", T_STRING, "qwen3"),
        gguf_kv("general.type", T_STRING, "model"),
        gguf_kv("general.name", T_STRING, os.path.basename(os.path.normpath(args.model))),
        gguf_kv("general.alignment", u32, ALIGNMENT),
        gguf_kv("general.file_type", u32, file_type),
        gguf_kv("general.quantization_version", u32, 2),
        gguf_kv("qwen3.block_count", u32, int(config["num_hidden_layers"])),
        gguf_kv("qwen3.context_length", u32, int(config["max_position_embeddings"])),
        gguf_kv("qwen3.embedding_length", u32, int(config["hidden_size"])),
        gguf_kv("qwen3.feed_forward_length", u32, int(config["intermediate_size"])),
        gguf_kv("qwen3.attention.head_count", u32, int(config["num_attention_heads"])),
        gguf_kv("qwen3.attention.head_count_kv", u32, int(config.get("num_key_value_heads", config["num_attention_heads"]))),
        gguf_kv("qwen3.attention.key_length", u32, head_dim),
        gguf_kv("qwen3.attention.value_length", u32, head_dim),
        gguf_kv("qwen3.rope.freq_base", T_FLOAT32, float(config.get("rope_theta", 1000000.0))),
        gguf_kv("qwen3.attention.layer_norm_rms_epsilon", T_FLOAT32, float(config.get("rms_norm_eps", 1e-6))),
        gguf_kv("tokenizer.ggml.model", T_STRING, "gpt2"),
        gguf_kv("tokenizer.ggml.pre", T_STRING, "qwen2"),
        gguf_kv("tokenizer.ggml.tokens", T_ARRAY, tokens, T_STRING),
        gguf_kv("tokenizer.ggml.token_type", T_ARRAY, token_types, T_INT32),
        gguf_kv("tokenizer.ggml.merges", T_ARRAY, merges, T_STRING),
    ]
    for kind, key in (("eos", "eos_token_id"), ("pad", "padding_token_id"), ("bos", "bos_token_id")):
        if kind in special:
            kvs.append(gguf_kv(f"tokenizer.ggml.{key}", u32, special[kind]))
    kvs.append(gguf_kv("tokenizer.ggml.add_bos_token", T_BOOL, bool(tok_config.get("add_bos_token", False))))
    if isinstance(tok_config.get("chat_template"), str):
        kvs.append(gguf_kv("tokenizer.chat_template", T_STRING, tok_config["chat_template"]))

    # Tensor infos with data offsets relative to the (aligned) start of the data section.
    infos, offset = [], 0
    for name, t, out_type, dims in plan:
        n = 1
        for d in dims:
            n *= d
        if t.end - t.begin != n * (4 if t.dtype == "F32" else 2):
            die(f"{t.name}: data size does not match its shape")
        infos.append(gguf_string(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
                     + struct.pack("<IQ", out_type, offset))
        offset = align(offset + n * GGML_SIZE[out_type])

    header = GGUF_MAGIC + struct.pack("<IQQ", GGUF_VERSION, len(plan), len(kvs)) + b"".join(kvs) + b"".join(infos)
    tmp = args.out + ".part"
    with open(tmp, "wb") as out:
        out.write(header)
        out.write(b"\0" * (align(len(header)) - len(header)))
        data_start = out.tell()
        for name, t, out_type, dims in plan:
            pos = out.tell() - data_start
            out.write(b"\0" * (align(pos) - pos))
            for chunk in converted_chunks(t, out_type):
                out.write(chunk)
        # No trailing padding is needed after the last tensor.
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: {len(plan)} tensors, {len(kvs)} metadata keys, 2-D weights "
          f"{'F32' if args.dtype == 'f32' else 'BF16'}, {os.path.getsize(args.out) / 1048576:.1f} MiB", file=sys.stderr)


if __name__ == "__main__":
    main()
