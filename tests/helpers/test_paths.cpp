#include "tests/helpers/test_paths.h"

#include <QDir>
#include <QFile>
#include <QProcess>

namespace qe::test {

QString sharedDir() { return QDir::cleanPath(QStringLiteral(QE_SHARED_DIR)); }

QString testdataPath(const QString& relative) { return sharedDir() + QStringLiteral("/testdata/") + relative; }

QString tokenizerDir() { return QStringLiteral(QE_TOKENIZER_DIR); }

bool haveTokenizer() { return QFile::exists(tokenizerDir() + QStringLiteral("/tokenizer.json")); }

QString cliPath() { return QStringLiteral(QE_CLI_PATH); }

CliRun runCli(const QStringList& args, const QByteArray& input, int timeoutMs) {
    QProcess proc;
    proc.start(cliPath(), args);
    CliRun run;
    if (!proc.waitForStarted(10000)) return run;
    if (!input.isEmpty()) proc.write(input);
    proc.closeWriteChannel();
    if (!proc.waitForFinished(timeoutMs)) {
        proc.kill();
        proc.waitForFinished();
        return run;
    }
    run.exitCode = proc.exitStatus() == QProcess::NormalExit ? proc.exitCode() : -1;
    run.out = proc.readAllStandardOutput();
    run.err = proc.readAllStandardError();
    return run;
}

}  // namespace qe::test
