// Maps the tokens of a chat reply to context positions of the inspector and back. The inspector
// holds the context of the latest generation; a reply's token k sits at position
// PromptRecipe::tokens + k there when the inspector's tokens at the reply's positions are the
// reply's tokens (the latest reply, or the forced prefix of a branch continued from it). Older
// replies went back into later prompts re-rendered by the chat template, so they do not map.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "gui/conversations/conversation.h"

namespace qe::gui {

class DiagnosticsStore;

// `prompt` gives the reply's prompt tokens (ChatSession::replyPrompt), which the store's first
// positions must be too: replies of the same length after prompts of the same length can be the
// same tokens (short greedy answers), and the inspector would show the other prompt's
// diagnostics. Asked only once the reply's own tokens match (building it tokenizes the thread).
// Null, or an empty prompt: only the reply's tokens are compared.
using PromptFn = std::function<const std::vector<int>&()>;

// Context position of token `index` of `reply` in `store`, or -1 when the store holds another
// context or has no diagnostics at that position yet.
std::int64_t contextPosition(const Message& reply, const PromptFn& prompt, int index, const DiagnosticsStore& store);
// Index of the token of `reply` at context position `pos` of `store`, or -1.
int replyTokenAt(const Message& reply, const PromptFn& prompt, std::int64_t pos, const DiagnosticsStore& store);

}  // namespace qe::gui
