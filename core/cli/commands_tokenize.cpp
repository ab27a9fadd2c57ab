// placeholder: replaced by the tokenizer work
#include "core/cli/args.h"
#include "core/cli/commands.h"
namespace qe::cli {
int cmdTokenize(int, char**, int) { return fail(makeError(ErrorCode::Unsupported, "tokenize: not built yet")); }
int cmdDetokenize(int, char**, int) { return fail(makeError(ErrorCode::Unsupported, "detokenize: not built yet")); }
}
