// Shared helpers of the GUI tests: a tiny random-weight Qwen3 model with the real tokenizer,
// made by the CLI into a temporary folder, and an isolated settings / data location.
#pragma once

#include <QString>
#include <QTemporaryDir>

namespace qe::test {

// Makes `make-model --preset tiny` in dir/model and copies the Qwen3 tokenizer files into it.
// Returns the folder, or "" with `why` set (no tokenizer, CLI failed).
QString makeTinyModel(const QTemporaryDir& dir, QString* why);

}  // namespace qe::test
