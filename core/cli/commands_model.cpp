// placeholder until the engine lands
#include "core/cli/args.h"
#include "core/cli/commands.h"
namespace qe::cli {
static int notYet() { return fail(makeError(ErrorCode::Unsupported, "not built yet")); }
int cmdInfo(int, char**, int) { return notYet(); }
int cmdLogits(int, char**, int) { return notYet(); }
int cmdGenerate(int, char**, int) { return notYet(); }
int cmdMakeModel(int, char**, int) { return notYet(); }
int cmdBench(int, char**, int) { return notYet(); }
}
