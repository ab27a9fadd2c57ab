// The compute-device choice (Automatic / CPU / GPU) shared by the model bar and the settings
// dialog. The GPU entry is enabled only when this build has the CUDA backend library and an
// NVIDIA GPU answers; its tooltip names the device, or says why there is none.
#pragma once

#include <QString>

#include "core/backend.h"

class QComboBox;

namespace qe::gui {

// Adds the three entries (data: "auto", "cpu", "cuda") and selects `current`.
void initBackendCombo(QComboBox* combo, const QString& current);
// Sets the entry texts and the tooltip in the current language.
void retranslateBackendCombo(QComboBox* combo);
void selectBackend(QComboBox* combo, const QString& value);
// The setting's value as a backend kind ("auto" for anything unknown).
BackendKind backendFromSetting(const QString& value);

}  // namespace qe::gui
