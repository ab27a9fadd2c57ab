// validateModelFolder: config, tokenizer and weights present, architecture supported.
#include "gui/engine/model_validation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include "core/model_config.h"

namespace qe::gui {

// Translation context for the messages below.
class ModelValidation {
    Q_DECLARE_TR_FUNCTIONS(qe::gui::ModelValidation)
};

namespace {

FolderCheck failed(const QString& problem, const QString& details) { return FolderCheck{false, problem, details}; }

// model.safetensors, or model.safetensors.index.json with every shard it names.
FolderCheck checkWeights(const QDir& dir) {
    if (dir.exists(QStringLiteral("model.safetensors"))) return {};
    const QString indexPath = dir.filePath(QStringLiteral("model.safetensors.index.json"));
    QFile index(indexPath);
    if (!index.exists()) {
        if (!dir.entryList({QStringLiteral("*.safetensors")}, QDir::Files).isEmpty()) return {};
        return failed(ModelValidation::tr("The folder has no model weights (model.safetensors or model.safetensors.index.json)."),
                      dir.absolutePath());
    }
    if (!index.open(QIODevice::ReadOnly))
        return failed(ModelValidation::tr("The weight index file cannot be read."), indexPath + QStringLiteral(": ") + index.errorString());
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(index.readAll(), &error);
    if (!doc.isObject())
        return failed(ModelValidation::tr("The weight index file is not valid JSON."), indexPath + QStringLiteral(": ") + error.errorString());
    const QJsonObject map = doc.object().value(QStringLiteral("weight_map")).toObject();
    QSet<QString> shards;
    for (auto it = map.begin(); it != map.end(); ++it) shards.insert(it.value().toString());
    QStringList missing;
    for (const QString& shard : shards)
        if (!dir.exists(shard)) missing << shard;
    if (!missing.isEmpty()) {
        missing.sort();
        return failed(ModelValidation::tr("%n weight shard(s) are missing.", nullptr, static_cast<int>(missing.size())),
                      missing.join(QStringLiteral(", ")));
    }
    return {};
}

}  // namespace

FolderCheck validateModelFolder(const QString& folder) {
    const QDir dir(folder);
    if (folder.isEmpty() || !dir.exists()) return failed(ModelValidation::tr("The model folder does not exist."), folder);
    if (!dir.exists(QStringLiteral("config.json")))
        return failed(ModelValidation::tr("The folder has no config.json, so it is not a Hugging Face model folder."), dir.absolutePath());
    auto config = loadModelConfig(QFile::encodeName(dir.absolutePath()).toStdString());
    if (!config.ok()) {
        const QString details = QString::fromStdString(config.error().text());
        if (config.error().code == ErrorCode::Unsupported)
            return failed(ModelValidation::tr("This model is not supported: Qwen Explorer runs dense Qwen3 models."), details);
        return failed(ModelValidation::tr("config.json could not be read."), details);
    }
    if (!dir.exists(QStringLiteral("tokenizer.json")) && !dir.exists(QStringLiteral("tokenizer.model")))
        return failed(ModelValidation::tr("The folder has no tokenizer (tokenizer.json or tokenizer.model)."), dir.absolutePath());
    if (!dir.exists(QStringLiteral("tokenizer_config.json")))
        return failed(ModelValidation::tr("The folder has no tokenizer_config.json, which holds the chat template."), dir.absolutePath());
    return checkWeights(dir);
}

}  // namespace qe::gui
