// makeTinyModel: CLI-generated tiny model plus the fetched tokenizer.
#include "gui_test_support.h"

#include <QDir>
#include <QFile>

#include "tests/helpers/test_paths.h"

namespace qe::test {

QString makeTinyModel(const QTemporaryDir& dir, QString* why) {
    if (!haveTokenizer()) {
        *why = QStringLiteral("Qwen3 tokenizer not found in ") + tokenizerDir();
        return {};
    }
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("model"));
    const CliRun run = runCli({QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"),
                               QStringLiteral("--out"), folder});
    if (run.exitCode != 0) {
        *why = QStringLiteral("make-model failed: ") + QString::fromUtf8(run.err);
        return {};
    }
    for (const char* name : {"tokenizer.json", "tokenizer_config.json"}) {
        const QString file = QString::fromLatin1(name);
        QFile::remove(QDir(folder).filePath(file));
        if (!QFile::copy(QDir(tokenizerDir()).filePath(file), QDir(folder).filePath(file))) {
            *why = QStringLiteral("cannot copy ") + file;
            return {};
        }
    }
    return folder;
}

}  // namespace qe::test
