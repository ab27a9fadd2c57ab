#!/usr/bin/env python3
"""The same shape through Hugging Face transformers, for issue #6's "our speed / theirs".

Builds Qwen3ForCausalLM from a config.json (`qwen-explorer-cli make-model --preset 32b
--config-only --out DIR`) with random bf16 weights directly on the GPU, then measures greedy
decoding after a random prompt of --context tokens: sdpa attention, a static KV cache when
this transformers version accepts one (else the dynamic cache, said in the output). Prints one
JSON line: {"decode_tok_s", "prefill_seconds", "cache", "transformers", "torch"}.

usage: gpu_bench_transformers.py --config DIR [--context 512] [--gen 32]
"""
import argparse
import json
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True)
    p.add_argument("--context", type=int, default=512)
    p.add_argument("--gen", type=int, default=32)
    args = p.parse_args()
    import torch
    import transformers
    from transformers import AutoConfig, Qwen3ForCausalLM

    config = AutoConfig.from_pretrained(args.config)
    config._attn_implementation = "sdpa"
    torch.manual_seed(0)
    torch.set_default_dtype(torch.bfloat16)
    with torch.device("cuda"):
        model = Qwen3ForCausalLM(config)
    model = model.to(torch.bfloat16).eval()
    model.config._attn_implementation = "sdpa"
    prompt = torch.randint(0, min(config.vocab_size, 151643), (1, args.context), device="cuda")

    def run(new_tokens, cache):
        torch.cuda.synchronize()
        start = time.perf_counter()
        kwargs = dict(max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False)
        if cache:
            kwargs["cache_implementation"] = cache
        with torch.no_grad():
            model.generate(prompt, **kwargs)
        torch.cuda.synchronize()
        return time.perf_counter() - start

    cache = "static"
    try:
        run(2, cache)  # warm-up (and the static cache's allocation)
    except Exception as error:  # older/newer versions: fall back to the default cache
        print(f"static cache failed ({error}); dynamic cache", file=sys.stderr)
        cache = None
        run(2, cache)
    first = run(1, cache)
    total = run(args.gen + 1, cache)
    print(json.dumps({"decode_tok_s": args.gen / (total - first), "prefill_seconds": first, "context": args.context,
                      "cache": cache or "dynamic", "transformers": transformers.__version__, "torch": torch.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
