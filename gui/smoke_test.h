// `qwen-explorer --smoke-test`: checks that an installed (or built) app finds its bundled data
// and that the engine runs, without showing a window: opens the built-in model, generates a few
// tokens greedily and reports on stdout. Used by the package test (tests/installer).
#pragma once

namespace qe::gui {

// GUI thread, inside a running QApplication (offscreen is enough). Runs its own event loop
// until done; returns the process exit code: 0 passed, 1 failed (the reason on stderr).
int runSmokeTest(int newTokens = 8, int timeoutMs = 60000);

}  // namespace qe::gui
