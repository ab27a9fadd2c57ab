#!/usr/bin/env python3
"""Cross-check llama.cpp (via bench.mjs --logits) against a golden.json: last-position top-10 and greedy ids.

    python3 bench/llama-cpp/check_golden.py --gguf /tmp/tiny-tied-f32.gguf --golden ../shared/testdata/golden/tiny-tied [--kv f32]
"""
import argparse
import json
import os
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--gguf", required=True)
ap.add_argument("--golden", required=True, help="folder with golden.json")
ap.add_argument("--kv", default="f32", choices=("f32", "f16"))
ap.add_argument("--tol", type=float, default=1e-3)
args = ap.parse_args()

bench = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench.mjs")
with open(os.path.join(args.golden, "golden.json"), encoding="utf-8") as f:
    golden = json.load(f)
ok = True
for s in golden["sequences"]:
    out = subprocess.run(["node", bench, "--gguf", args.gguf, "--kv", args.kv, "--greedy", str(len(s["greedy"])),
                          "--logits", ",".join(map(str, s["ids"]))], capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    mine = dict(r["top10"])
    # Look up each golden id's logit (neighbours may swap ranks); an id missing from our top-10 fails.
    err = max(abs(mine[i] - v) if i in mine else float("inf") for i, v in s["topk"][-1])
    greedy_ok = r["greedy"] == s["greedy"]
    ok = ok and err <= args.tol and greedy_ok
    print(f"{s['name']:8s} {len(s['ids']):3d} ids  top-10 max |dlogit| {err:.2e}  greedy ({len(s['greedy'])}) equal: {greedy_ok}")
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
