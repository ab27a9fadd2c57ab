// placeholder: replaced by the chat-template work
#include "core/cli/args.h"
#include "core/cli/commands.h"
namespace qe::cli {
int cmdChatTemplate(int, char**, int) { return fail(makeError(ErrorCode::Unsupported, "chat-template: not built yet")); }
}
