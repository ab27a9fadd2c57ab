#!/usr/bin/env node
// llama.cpp CPU reference benchmark through node-llama-cpp's prebuilt binaries (benchmark tooling only).
//
//   node bench/llama-cpp/bench.mjs --gguf FILE [--prompt-len 128] [--gen 64] [--threads 2] [--seed 1]
//                                  [--reps 1] [--ctx 512] [--kv f32|f16] [--mmap 1|0] [--nlc DIR]
//   node bench/llama-cpp/bench.mjs --gguf FILE --logits ID,ID,... [--greedy N] [--kv f32|f16]
//
// Bench mode mirrors `qwen-explorer-cli bench`: the same mt19937_64 pseudo-random prompt of ordinary token ids
// (< 151643) is evaluated as one batch (prefill, logits for the last position only), then `--gen` greedy
// tokens are decoded one llama_decode at a time. A warm-up pass (full prompt + 2 decode steps) runs first.
// Logits mode prints the top-10 [id, logit] of the last prompt position (and optionally N greedy ids).
//
// node-llama-cpp is loaded from DIR/node_modules (--nlc, or env NLC_DIR; default /tmp/nlc-run), so nothing has
// to be installed inside the repository.

import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {pathToFileURL} from "node:url";

// --- arguments ---------------------------------------------------------------------------------------

function parseArgs(argv) {
    const opts = {
        gguf: null, "prompt-len": "128", gen: "64", threads: "2", seed: "1", reps: "1", ctx: "512", kv: "f32",
        nlc: process.env.NLC_DIR || "/tmp/nlc-run", logits: null, greedy: "0", mmap: "1"
    };
    for (let i = 0; i < argv.length; i++) {
        const key = argv[i].replace(/^--/, "");
        if (!argv[i].startsWith("--") || !(key in opts) || i + 1 >= argv.length)
            fail(`bad argument ${argv[i]} (see the usage at the top of bench.mjs)`);
        opts[key] = argv[++i];
    }
    if (!opts.gguf) fail("--gguf FILE is required");
    for (const k of ["prompt-len", "gen", "threads", "seed", "reps", "ctx", "greedy", "mmap"]) {
        if (!/^\d+$/.test(opts[k])) fail(`--${k} takes a non-negative integer`);
        opts[k] = Number(opts[k]);
    }
    if (!["f32", "f16"].includes(opts.kv)) fail("--kv takes f32 or f16");
    if (opts.threads < 1 || opts.reps < 1 || opts["prompt-len"] < 1) fail("--threads, --reps and --prompt-len must be >= 1");
    if (opts["prompt-len"] + opts.gen + 4 > opts.ctx) fail("--ctx is too small for --prompt-len + --gen");
    return opts;
}

function fail(message) {
    console.error(`bench.mjs: ${message}`);
    process.exit(2);
}

// --- std::mt19937_64, so the prompt is the same as `qwen-explorer-cli bench --seed N` -----------------

function mt19937_64(seed) {
    const N = 312, M = 156, UPPER = 0xFFFFFFFF80000000n, LOWER = 0x7FFFFFFFn;
    const mt = new BigUint64Array(N);  // stores modulo 2^64
    mt[0] = BigInt(seed);
    for (let i = 1; i < N; i++) mt[i] = 6364136223846793005n * (mt[i - 1] ^ (mt[i - 1] >> 62n)) + BigInt(i);
    let index = N;
    return () => {
        if (index >= N) {
            for (let i = 0; i < N; i++) {
                const x = (mt[i] & UPPER) | (mt[(i + 1) % N] & LOWER);
                mt[i] = mt[(i + M) % N] ^ (x >> 1n) ^ ((x & 1n) ? 0xB5026F5AA96619E9n : 0n);
            }
            index = 0;
        }
        let y = mt[index++];
        y ^= (y >> 29n) & 0x5555555555555555n;
        y ^= (y << 17n) & 0x71D67FFFEDA60000n;
        y ^= (y << 37n) & 0xFFF7EEE000000000n;
        y ^= y >> 43n;
        return BigUint64Array.of(y)[0];
    };
}

// --- helpers -------------------------------------------------------------------------------------------

const now = () => Number(process.hrtime.bigint()) / 1e9;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (x, digits = 3) => Number(x.toFixed(digits));

// Evaluate `tokens` appended to the sequence; returns the greedy next token after the last one.
async function evalNext(sequence, tokens, extra = {}) {
    const input = tokens.slice(0, -1);
    input.push([tokens[tokens.length - 1], {generateNext: {token: true, options: {temperature: 0}, ...extra}}]);
    const out = await sequence.controlledEvaluate(input);
    const next = out[out.length - 1]?.next;
    if (next?.token == null) throw new Error("no token was generated");
    return next;
}

// --- main ---------------------------------------------------------------------------------------------

const opts = parseArgs(process.argv.slice(2));
const nlcEntry = join(resolve(opts.nlc), "node_modules", "node-llama-cpp", "dist", "index.js");
if (!existsSync(nlcEntry)) fail(`node-llama-cpp not found at ${nlcEntry} (see bench/llama-cpp/README.md)`);
const {getLlama, LlamaLogLevel} = await import(pathToFileURL(nlcEntry).href);

// Prebuilt CPU binaries only: no GPU, never build, never download.
const llama = await getLlama({gpu: false, build: "never", maxThreads: opts.threads, logLevel: LlamaLogLevel.warn});
const model = await llama.loadModel({modelPath: resolve(opts.gguf), gpuLayers: 0, useMmap: opts.mmap !== 0});
const kvType = opts.kv.toUpperCase();
const context = await model.createContext({
    contextSize: opts.ctx,
    batchSize: Math.max(opts.ctx, 128),  // n_batch = n_ubatch: the whole prompt is one llama_decode
    sequences: 1,
    flashAttention: false,
    threads: {ideal: opts.threads, min: opts.threads},
    experimentalKvCacheKeyType: kvType,
    experimentalKvCacheValueType: kvType
});
const sequence = context.getSequence();

const buildInfo = {
    release: llama.llamaCppRelease.release,
    repo: llama.llamaCppRelease.repo,
    build_type: llama.buildType,
    gpu: llama.gpu,
    system_info: llama.systemInfo.trim()
};

if (opts.logits != null) {
    const ids = opts.logits.split(",").filter((s) => s !== "").map(Number);
    if (ids.length === 0 || ids.some((x) => !Number.isInteger(x) || x < 0)) fail("--logits takes comma-separated token ids");
    const next = await evalNext(sequence, ids, {logits: {filter: {tokens: [], includeTop: 10}}});
    const top10 = [...next.logits.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 10);
    const greedy = [next.token];
    while (greedy.length < opts.greedy) greedy.push((await evalNext(sequence, [greedy[greedy.length - 1]])).token);
    console.log(JSON.stringify({ids, top10, greedy: greedy.slice(0, opts.greedy), kv_cache_type: kvType,
                                llama_cpp_build: buildInfo}));
} else {
    const rng = mt19937_64(opts.seed);
    const prompt = Array.from({length: opts["prompt-len"]}, () => Number(rng() % 151643n));

    // Warm-up: touch the weights and let ggml size its compute buffers for both batch shapes.
    let tok = (await evalNext(sequence, prompt)).token;
    for (let i = 0; i < 2; i++) tok = (await evalNext(sequence, [tok])).token;
    await sequence.clearHistory();

    const prefillRates = [], decodeRates = [];
    for (let rep = 0; rep < opts.reps; rep++) {
        let t0 = now();
        tok = (await evalNext(sequence, prompt)).token;
        prefillRates.push(prompt.length / (now() - t0));
        if (opts.gen > 0) {
            t0 = now();
            for (let i = 0; i < opts.gen; i++) tok = (await evalNext(sequence, [tok])).token;
            decodeRates.push(opts.gen / (now() - t0));
        }
        await sequence.clearHistory();
    }
    console.log(JSON.stringify({
        prefill_tok_s: round(median(prefillRates)),
        decode_tok_s: opts.gen > 0 ? round(median(decodeRates)) : null,
        prompt_tokens: prompt.length,
        decode_tokens: opts.gen,
        reps: opts.reps,
        prefill_tok_s_all: prefillRates.map((x) => round(x)),
        decode_tok_s_all: decodeRates.map((x) => round(x)),
        threads: context.currentThreads,
        kv_cache_type: kvType,
        mmap: opts.mmap !== 0,
        flash_attention: context.flashAttention,
        n_ctx: context.contextSize,
        n_batch: context.batchSize,
        llama_cpp_build: buildInfo
    }));
}

await context.dispose();
await model.dispose();
await llama.dispose();
