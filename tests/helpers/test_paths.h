// Where tests find shared/ testdata, the fetched Qwen3 tokenizer and the CLI binary, plus a
// helper to run the CLI and capture its output.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace qe::test {

QString sharedDir();          // .../shared
QString testdataPath(const QString& relative);  // shared/testdata/<relative>
QString tokenizerDir();       // folder holding the real Qwen3 tokenizer.json (may be missing)
bool haveTokenizer();
QString cliPath();            // path of the built qwen-explorer-cli

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs the CLI with `args`, feeding `input` on stdin; waits up to `timeoutMs`.
CliRun runCli(const QStringList& args, const QByteArray& input = {}, int timeoutMs = 120000);

}  // namespace qe::test
