// Where the app finds its bundled data and keeps the user's: built-in model, built-in prompt
// templates, conversations. Installed locations first, then the build tree (development).
#pragma once

#include <QString>

namespace qe::gui {

// The built-in default model folder ("" if none is present).
QString builtinModelDir();
// The built-in prompt templates (resources/templates).
QString builtinTemplateDir();
// The user's prompt templates (the core library's per-user folder).
QString userTemplateDir();
// AppDataLocation/conversations.
QString conversationsDir();

}  // namespace qe::gui
