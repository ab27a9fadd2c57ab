// Maps an engine error code to a translated sentence for the user; the technical message goes
// under Details and into the log (style.md §6).
#pragma once

#include <QCoreApplication>
#include <QString>

#include "core/result.h"

namespace qe::gui {

class ErrorText {
    Q_DECLARE_TR_FUNCTIONS(qe::gui::ErrorText)
public:
    static QString loadFailed(ErrorCode code);
    static QString generationFailed(ErrorCode code);
};

}  // namespace qe::gui
