#include "gui/backend_choice.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QStandardItemModel>

namespace qe::gui {

namespace {

// Asked once per process: loading the CUDA library and waking the driver take a moment.
const CudaProbe& probe() {
    static const CudaProbe probe = probeCuda();
    return probe;
}

}  // namespace

void initBackendCombo(QComboBox* combo, const QString& current) {
    combo->clear();
    combo->addItem(QString(), QStringLiteral("auto"));
    combo->addItem(QString(), QStringLiteral("cpu"));
    combo->addItem(QString(), QStringLiteral("cuda"));
    if (probe().devices.empty()) {
        if (auto* model = qobject_cast<QStandardItemModel*>(combo->model()))
            if (QStandardItem* item = model->item(2)) item->setEnabled(false);
    }
    selectBackend(combo, current);
    retranslateBackendCombo(combo);
}

void retranslateBackendCombo(QComboBox* combo) {
    if (combo->count() < 3) return;
    combo->setItemText(0, QCoreApplication::translate("BackendChoice", "Automatic"));
    combo->setItemText(1, QCoreApplication::translate("BackendChoice", "CPU"));
    //: The CUDA backend on an NVIDIA graphics card.
    combo->setItemText(2, QCoreApplication::translate("BackendChoice", "GPU (CUDA)"));
    const CudaProbe& p = probe();
    QString tip = QCoreApplication::translate("BackendChoice", "Where the model runs; applies to the next model load. Automatic uses the GPU when the model "
                     "fits in its memory, else the CPU.");
    if (!p.devices.empty())
        tip += QStringLiteral("\n") + QCoreApplication::translate("BackendChoice", "GPU: %1").arg(QString::fromStdString(p.devices.front()));
    else
        //: %1: the technical reason, in English.
        tip += QStringLiteral("\n") + QCoreApplication::translate("BackendChoice", "No GPU available: %1").arg(QString::fromStdString(p.error));
    combo->setToolTip(tip);
}

void selectBackend(QComboBox* combo, const QString& value) {
    const int index = combo->findData(value);
    combo->setCurrentIndex(index >= 0 ? index : 0);
}

BackendKind backendFromSetting(const QString& value) {
    auto kind = parseBackendKind(value.toStdString());
    return kind.ok() ? *kind : BackendKind::Auto;
}

}  // namespace qe::gui
