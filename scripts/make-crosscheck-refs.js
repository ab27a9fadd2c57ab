#!/usr/bin/env node
// Writes the randomized cross-check references under tests/core/data/ from two independent
// implementations: Hugging Face's Rust tokenizer (npm `tokenizers`) and Hugging Face's JavaScript
// Jinja (npm `@huggingface/jinja`), on the real Qwen3 tokenizer.json / tokenizer_config.json.
// The tests compare our tokenizer and chat template against these files; nothing here runs our
// code. Deterministic (seeded), so rerunning it reproduces the files.
//
//   mkdir -p /tmp/xref && (cd /tmp/xref && npm init -y >/dev/null &&
//     npm install tokenizers@0.23.2 @huggingface/jinja@0.5.13)
//   NODE_PATH=/tmp/xref/node_modules node scripts/make-crosscheck-refs.js build/qwen3-tokenizer
//
// @huggingface/jinja 0.5.13 ignores the argument of str.strip/lstrip/rstrip (it strips all
// whitespace, Python strips only the given characters). Qwen3's template strips '\n' only, so
// conversations where the two would differ are left out rather than rendered wrongly.
"use strict";
const fs = require("fs");
const path = require("path");
const { Tokenizer } = require("tokenizers");
const { Template } = require("@huggingface/jinja");

const tokenizerDir = process.argv[2];
if (!tokenizerDir) {
  console.error("usage: make-crosscheck-refs.js TOKENIZER_DIR");
  process.exit(2);
}
const outDir = path.join(__dirname, "..", "tests", "core", "data");

let seed = 20261206;
function random() {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const pick = (list) => list[Math.floor(random() * list.length)];

// Pieces that stress the pre-tokenizer regex, NFC, byte fallback and the added tokens.
const pieces = ["Hello", " world", "  ", "\n", "\n\n", "\r\n", "\t", " \t ", "'s", "'S", "'ll", "'LL", "'re",
  "'ve", "'d", "'m", "'t", "'T", "123", "4567890", "1,234.56", " 3.14", "世界", "你好，", "。", "中文测试",
  "日本語", "ひらがな", "カタカナ", "한국어", "Привет", "Ελληνικά", "العربية", "हिन्दी", "ไทย", "🙂",
  "👨‍👩‍👧", "🇨🇳", "e\u0301", "\u200b", "\u00a0", "\u3000", "<|im_start|>", "<|im_end|>", "<think>",
  "</think>", "<|endoftext|>", "<tool_call>", "<|vision_start|>", "<|fim_prefix|>", "<|im_start", "|>",
  "http://example.com/a?b=c", "foo_bar", "CamelCase", "ALLCAPS", "x=y+z;", "{\"a\":1}",
  "    def f(x):\n        return x", "--", "...", "!!!", "???", "\\", "\u0000", "\ufffd", "\u{1F600}", "Ω",
  "ß", "ǅ", "ﬁ", "Ⅻ", "①", "٣", "𝔘𝔫𝔦", "\u2028", "\u0085", "\f", "\v", "a\u0308", "ℌ", "Å", "한"];

function randomCodePoints() {
  let s = "";
  const n = 1 + Math.floor(random() * 10);
  for (let j = 0; j < n; ++j) {
    const r = random();
    let cp;
    if (r < 0.3) cp = 32 + Math.floor(random() * 95);
    else if (r < 0.5) cp = 0x80 + Math.floor(random() * 0x780);
    else if (r < 0.8) cp = 0x800 + Math.floor(random() * 0xd000);
    else cp = 0x10000 + Math.floor(random() * 0x20000);
    if (cp >= 0xd800 && cp < 0xe000) cp = 0x41;  // no lone surrogates: not representable in UTF-8
    s += String.fromCodePoint(cp);
  }
  return s;
}

async function tokenizerCases() {
  const tok = Tokenizer.fromFile(path.join(tokenizerDir, "tokenizer.json"));
  const texts = [];
  for (let n = 0; n < 1200; ++n) {
    let s = "";
    const k = 1 + Math.floor(random() * 12);
    for (let j = 0; j < k; ++j) s += pick(pieces);
    texts.push(s);
  }
  for (let n = 0; n < 600; ++n) texts.push(randomCodePoints());
  const lines = [];
  for (const text of texts) {
    const encoding = await tok.encode(text, null, { addSpecialTokens: false });
    lines.push(JSON.stringify({ text, ids: Array.from(encoding.getIds()) }));
  }
  return { tok, lines };
}

// Decoding: random ids from the whole vocabulary (added tokens included), and encodings cut at a
// random token, which leaves partial UTF-8 sequences that must become U+FFFD as in Python.
async function detokenizerCases(tok, encoded) {
  const lines = [];
  for (let n = 0; n < 300; ++n) {
    let ids;
    if (n % 2 === 0) {
      ids = [];
      const k = 1 + Math.floor(random() * 12);
      for (let j = 0; j < k; ++j) ids.push(Math.floor(random() * 151669));
    } else {
      ids = JSON.parse(pick(encoded)).ids;
      ids = ids.slice(Math.floor(random() * ids.length));
    }
    lines.push(JSON.stringify({ ids, text: await tok.decode(ids, false) }));
  }
  return lines;
}

// Python's str.strip(chars) family, to find where @huggingface/jinja's would differ.
function pyStrip(s, chars, left, right) {
  let a = 0, b = s.length;
  if (left) while (a < b && chars.includes(s[a])) ++a;
  if (right) while (b > a && chars.includes(s[b - 1])) --b;
  return s.slice(a, b);
}
// The strips Qwen3's template applies to an assistant message, in Python and in JS.
function stripsAgree(message) {
  const checks = [];
  if (typeof message.content === "string") {
    const parts = message.content.split("</think>");
    checks.push([parts[parts.length - 1], true, false]);
    const before = pyStrip(parts[0], "\n", false, true).split("<think>");
    checks.push([parts[0], false, true]);
    checks.push([before[before.length - 1], true, false]);
  }
  if (typeof message.reasoning_content === "string") checks.push([message.reasoning_content, true, true]);
  return checks.every(([s, left, right]) => {
    const js = left && right ? s.trim() : left ? s.trimStart() : s.trimEnd();
    return js === pyStrip(s, "\n", left, right);
  });
}

function chatTemplateCases() {
  const config = JSON.parse(fs.readFileSync(path.join(tokenizerDir, "tokenizer_config.json"), "utf8"));
  const template = new Template(config.chat_template);
  const texts = ["Hi", "你好", "  spaced  ", "line1\nline2", "<think>\nplan\n</think>\n\nanswer", "<think>x</think>y",
    "before<think>a</think>after", "</think>only close", "<tool_response>r</tool_response>", "", "\n",
    "Ünïcödé 🙂", "<|im_end|>", "\n\n<think>\n\n</think>\n\ntrailing\n", "\"quoted\" {json: 1}", "a\tb"];
  const tools = [
    { type: "function", function: { name: "get_weather", description: "Weather for a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
    { type: "function", function: { name: "add", description: "Add two integers 加法",
      parameters: { type: "object", properties: { a: { type: "integer" }, b: { type: "integer" } } } } },
  ];
  const lines = [];
  while (lines.length < 250) {
    const messages = [];
    if (random() < 0.4) messages.push({ role: "system", content: pick(texts) });
    const turns = 1 + Math.floor(random() * 4);
    for (let k = 0; k < turns; ++k) {
      messages.push({ role: "user", content: pick(texts) });
      if (k === turns - 1 && random() < 0.5) break;
      const reply = { role: "assistant", content: pick(texts) };
      if (random() < 0.3) reply.reasoning_content = pick(texts);
      if (random() < 0.3) {
        reply.tool_calls = [];
        const calls = 1 + Math.floor(random() * 2);
        for (let j = 0; j < calls; ++j) {
          reply.tool_calls.push(random() < 0.5
            ? { type: "function", function: { name: "add", arguments: { a: j, b: 2 } } }
            : { name: "get_weather", arguments: random() < 0.5 ? "{\"city\": \"北京\"}" : { city: "Paris" } });
        }
        if (random() < 0.3) reply.content = "";
      }
      messages.push(reply);
      if (reply.tool_calls) {
        const results = 1 + Math.floor(random() * 2);
        for (let j = 0; j < results; ++j) messages.push({ role: "tool", content: pick(texts) });
      }
    }
    const c = {
      messages,
      tools: random() < 0.3 ? tools.slice(0, 1 + Math.floor(random() * 2)) : null,
      add_generation_prompt: random() < 0.6,
      enable_thinking: pick([null, true, false]),
    };
    if (!messages.filter((m) => m.role === "assistant").every(stripsAgree)) continue;
    const context = { messages, add_generation_prompt: c.add_generation_prompt, bos_token: "", eos_token: "<|im_end|>" };
    if (c.tools) context.tools = c.tools;
    if (c.enable_thinking !== null) context.enable_thinking = c.enable_thinking;
    c.rendered = template.render(context);
    lines.push(JSON.stringify(c));
  }
  return lines;
}

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const { tok, lines: tokenizer } = await tokenizerCases();
  fs.writeFileSync(path.join(outDir, "tokenizer_crosscheck.jsonl"), tokenizer.join("\n") + "\n");
  const detokenizer = await detokenizerCases(tok, tokenizer);
  fs.writeFileSync(path.join(outDir, "detokenizer_crosscheck.jsonl"), detokenizer.join("\n") + "\n");
  const chat = chatTemplateCases();
  fs.writeFileSync(path.join(outDir, "chat_template_crosscheck.jsonl"), chat.join("\n") + "\n");
  console.log(`${tokenizer.length} tokenizer, ${detokenizer.length} detokenizer and ${chat.length} chat-template cases in ${outDir}`);
})();
