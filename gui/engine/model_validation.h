// Checks a model folder on the GUI thread before it is sent to the engine: a missing config,
// tokenizer or weight shard, or an unsupported architecture, gets a clear message at once.
// Cheap: reads config.json and the shard index only, never the weights.
#pragma once

#include <QString>

namespace qe::gui {

struct FolderCheck {
    bool ok = true;
    QString problem;  // translated sentence for the user ("" when ok)
    QString details;  // technical text (file names, parser message)
};

FolderCheck validateModelFolder(const QString& folder);

}  // namespace qe::gui
