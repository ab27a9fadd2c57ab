// Small Qwen3 shapes and token lists shared by the engine tests (header-only, no Qt: the GPU
// tests use it too).
#pragma once

#include <cstdint>
#include <vector>

#include "core/model_config.h"

namespace qe::test {

// 3 layers, hidden 48 (so Nq·d != hidden), 4 query / 2 KV heads, vocabulary 300, EOS 7; YaRN
// over 64 original positions when `yarn` > 0.
inline ModelConfig smallConfig(bool tied, double yarn = 0.0, std::int64_t headDim = 16) {
    ModelConfig c = *presetConfig("tiny");
    c.vocabSize = 300;
    c.hiddenSize = 48;
    c.intermediateSize = 80;
    c.numAttentionHeads = 4;
    c.numKeyValueHeads = 2;
    c.headDim = headDim;
    c.numHiddenLayers = 3;
    c.tieWordEmbeddings = tied;
    c.maxPositionEmbeddings = 256;
    c.eosTokenIds = {7};
    if (yarn > 0) {
        RopeScaling rs;
        rs.ropeType = "yarn";
        rs.factor = yarn;
        rs.originalMaxPositionEmbeddings = 64;
        c.ropeScaling = rs;
    }
    return c;
}

// n deterministic token ids below `vocab`; `salt` gives a different list.
inline std::vector<int> someTokens(int n, int vocab, int salt = 0) {
    std::vector<int> t;
    for (int i = 0; i < n; ++i) t.push_back((i * 37 + 11 + salt * 101) % vocab);
    return t;
}

}  // namespace qe::test
