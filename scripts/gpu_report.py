#!/usr/bin/env python3
"""Formats `qwen-explorer-cli gpu-bench --json` (and the transformers figure) as issue #6's table:
every figure against its roofline and target. Exit status 1 when a target is missed.

usage: gpu_report.py BENCH.json [TRANSFORMERS.json [LOAD.json]]

LOAD.json: `qwen-explorer-cli load-bench --json` (loading against the raw read rate, host memory).
"""
import json
import sys

DECODE_TARGETS = {512: 0.90, 32768: 0.80}  # ratio to the copy-bandwidth roofline


def main():
    try:
        bench = json.load(open(sys.argv[1]))
    except (OSError, ValueError):
        print("gpu-bench gave no result (its errors are below).")
        return 1
    theirs = None
    if len(sys.argv) > 2:
        try:
            theirs = json.load(open(sys.argv[2]))
        except (OSError, ValueError):
            theirs = None
    c = bench["ceilings"]
    lines = [f"Device: {bench['device']}; shape `{bench['preset']}`"
             + (f", YaRN x{bench['yarn_factor']:g}" if bench.get("yarn_factor") else "") + "; random bf16 weights made on the GPU.",
             "",
             f"Ceilings measured in the same run: copy {c['copy_bytes_per_s'] / 1e9:.0f} GB/s (device to device, "
             f"bytes read + written, {c['copy_bytes'] >> 20} MiB per copy); cuBLAS GEMM {c['gemm_flops_per_s'] / 1e12:.0f} "
             f"TFLOP/s (bf16 in, fp32 out, {c['gemm_size']}³).",
             "",
             "| figure | measured | roofline | ratio | target | |",
             "|---|---|---|---|---|---|"]
    failed = False
    if "gemv_bytes_per_s" in c:
        for who, key in (("ours (decode uses it)", "gemv_bytes_per_s"), ("cuBLAS GemmEx, one column", "cublas_gemv_bytes_per_s")):
            lines.append(f"| decode GEMV {c['gemv_shape']}, {who} | {c[key] / 1e9:.0f} GB/s | {c['copy_bytes_per_s'] / 1e9:.0f} GB/s "
                         f"(copy) | {c[key] / c['copy_bytes_per_s'] * 100:.0f} % | report | |")
    # Each attention kernel gpu-bench timed (zero or absent: not timed).
    for who, key in (("pipelined mma.sync (prefill uses it)", "attention_flops_per_s"),
                     ("first wmma kernel (QE_CUDA_ATTENTION=wmma)", "wmma_attention_flops_per_s"),
                     ("pipelined, q in bf16 without its remainder (what-if)", "bf16q_attention_flops_per_s")):
        if c.get(key):
            lines.append(f"| prefill attention {c['attention_shape']}, {who} | {c[key] / 1e12:.0f} TFLOP/s | "
                         f"{c['gemm_flops_per_s'] / 1e12:.0f} TFLOP/s (GEMM) | {c[key] / c['gemm_flops_per_s'] * 100:.0f} % | report | |")
    for who, key in (("tensor cores (decode uses it)", "decode_attention_bytes_per_s"),
                     ("a warp per query head (QE_CUDA_DECODE_ATTENTION=warps)", "warps_decode_attention_bytes_per_s")):
        if c.get(key):
            lines.append(f"| decode attention over {c['decode_attention_keys']:,} keys, {who} | {c[key] / 1e9:.0f} GB/s of K/V | "
                         f"{c['copy_bytes_per_s'] / 1e9:.0f} GB/s (copy) | {c[key] / c['copy_bytes_per_s'] * 100:.0f} % | report | |")
    measured = [d for d in bench["decode"] if d.get("fits", True)]
    graphs = [d for d in measured if d.get("graphs", True)]
    plain = {d["context"]: d for d in measured if not d.get("graphs", True)}
    on = {d["context"]: d for d in graphs if d["diagnostics"]}
    off = {d["context"]: d for d in graphs if not d["diagnostics"]}
    for context, d in sorted(on.items()):
        target = DECODE_TARGETS.get(context)
        ok = target is None or d["ratio"] >= target
        failed |= not ok
        lines.append(f"| decode, context {context:,} | {d['tok_s']:.2f} tok/s | {d['roofline_tok_s']:.2f} tok/s "
                     f"({d['bytes_per_token'] / 1e9:.1f} GB/token) | {d['ratio'] * 100:.0f} % | "
                     f"{'≥ %d %%' % round(target * 100) if target else 'decodes (report)'} | {'pass' if ok else 'MISS'} |")
    for d in bench["decode"]:
        if d.get("fits", True):
            continue
        failed = True  # the target is on a GPU that holds it (the H200: weights + 34 GB of KV at 128K)
        lines.append(f"| decode, context {d['context']:,} | does not fit this GPU ({d['context_limit']:,} positions do) | "
                     f"({d['bytes_per_token'] / 1e9:.1f} GB/token) | | fits and decodes | MISS |")
    for context, d in sorted(off.items()):
        cost = 1 - on[context]["tok_s"] / d["tok_s"] if context in on else float("nan")
        ok = cost <= 0.05
        failed |= not ok
        lines.append(f"| always-on diagnostics, context {context:,} | {on[context]['tok_s']:.2f} vs {d['tok_s']:.2f} tok/s "
                     f"without | | cost {cost * 100:.1f} % | ≤ 5 % | {'pass' if ok else 'MISS'} |")
    for context, d in sorted(plain.items()):
        if context in on:
            gain = on[context]["tok_s"] / d["tok_s"] - 1
            lines.append(f"| CUDA graphs, context {context:,} | {on[context]['tok_s']:.2f} vs {d['tok_s']:.2f} tok/s with a "
                         f"launch per kernel | | gain {gain * 100:+.1f} % | report | |")
    t = bench["ttft"]
    ok = t["ratio_to_floor"] <= 1.2
    failed |= not ok
    lines.append(f"| time to first token, {t['prompt_tokens']:,}-token prompt | {t['seconds']:.3f} s | {t['floor_seconds']:.3f} s "
                 f"(FLOP floor) | {t['ratio_to_floor']:.2f}× | ≤ 1.2× | {'pass' if ok else 'MISS'} |")
    if theirs and 512 in on:
        ratio = on[512]["tok_s"] / theirs["decode_tok_s"]
        lines.append(f"| transformers {theirs['transformers']} (torch {theirs['torch']}, sdpa, {theirs['cache']} cache), "
                     f"decode at 512 | {theirs['decode_tok_s']:.2f} tok/s | | ours ÷ theirs {ratio:.2f}× | report | |")
    elif len(sys.argv) > 2:
        lines.append("| transformers, decode at 512 | no result (see hf-bench.err) | | | report | |")
    if len(sys.argv) > 3:
        try:
            load = json.load(open(sys.argv[3]))
        except (OSError, ValueError):
            load = None
        if load is None:
            lines.append("| loading | no result (see load-bench.err) | | | ≥ 80 % | MISS |")
            failed = True
        else:
            gb = load["bytes"] / 1e9
            cold = max(load["cached_before_read"], load["cached_before_load"]) < 0.05
            ok = load["stream_ratio"] >= 0.8
            failed |= not ok
            lines.append(f"| loading {gb:.2f} GB ({load['files']} files{'' if cold else ', page cache NOT dropped'}): "
                         f"streaming to the GPU | {load['stream_bytes_per_s'] / 1e9:.2f} GB/s | "
                         f"{load['raw_read_bytes_per_s'] / 1e9:.2f} GB/s (raw sequential read) | "
                         f"{load['stream_ratio'] * 100:.0f} % | ≥ 80 % | {'pass' if ok else 'MISS'} |")
            lines.append(f"| loading, whole (GPU context, allocation, upload) | {load['load_seconds']:.2f} s, "
                         f"{load['load_bytes_per_s'] / 1e9:.2f} GB/s | | {load['load_ratio'] * 100:.0f} % | report | |")
            mem = load["peak_anon_bytes_over_baseline"]
            ok = mem <= 2 << 30
            failed |= not ok
            lines.append(f"| host memory while loading, beyond the page cache | {mem / 2**20:.0f} MiB | | | ≤ 2 GiB | "
                         f"{'pass' if ok else 'MISS'} |")
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
