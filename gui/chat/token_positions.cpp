// Chat token <-> inspector position: compares the reply's token ids with the inspector's.
#include "gui/chat/token_positions.h"

#include <algorithm>

#include "gui/inspector/diagnostics_store.h"

namespace qe::gui {

namespace {

// Whether `store` holds `reply` where its recipe puts it: its prompt (when given), and every
// reply token the store has matches, and it has at least the first.
bool holdsReply(const Message& reply, const PromptFn& prompt, const DiagnosticsStore& store) {
    if (!reply.prompt || reply.tokens.empty()) return false;
    const std::int64_t first = reply.prompt->tokens;
    const auto shared = std::min<std::int64_t>(static_cast<std::int64_t>(reply.tokens.size()), store.tokenCount() - first);
    if (shared <= 0) return false;
    for (std::int64_t k = 0; k < shared; ++k)
        if (store.token(first + k).id != reply.tokens[static_cast<std::size_t>(k)].id) return false;
    if (!prompt) return true;
    const std::vector<int>& tokens = prompt();
    if (tokens.empty()) return true;
    if (static_cast<std::int64_t>(tokens.size()) != first) return false;
    for (std::int64_t k = 0; k < first; ++k)
        if (store.token(k).id != tokens[static_cast<std::size_t>(k)]) return false;
    return true;
}

}  // namespace

std::int64_t contextPosition(const Message& reply, const PromptFn& prompt, int index, const DiagnosticsStore& store) {
    if (index < 0 || index >= static_cast<int>(reply.tokens.size()) || !holdsReply(reply, prompt, store)) return -1;
    const std::int64_t pos = reply.prompt->tokens + index;
    return pos < store.positions() ? pos : -1;
}

int replyTokenAt(const Message& reply, const PromptFn& prompt, std::int64_t pos, const DiagnosticsStore& store) {
    if (!reply.prompt || !holdsReply(reply, prompt, store)) return -1;
    const std::int64_t index = pos - reply.prompt->tokens;
    return index >= 0 && index < static_cast<std::int64_t>(reply.tokens.size()) ? static_cast<int>(index) : -1;
}

}  // namespace qe::gui
