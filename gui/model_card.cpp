// ModelCardView: a small key/value table.
#include "gui/model_card.h"

#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "core/backend.h"

namespace qe::gui {

namespace {

// "0.6 B", "751 M": parameter counts as people say them.
QString formatParameters(std::int64_t n) {
    const QLocale locale;
    if (n >= 1'000'000'000) return ModelCardView::tr("%1 B").arg(locale.toString(n / 1e9, 'f', 2));
    if (n >= 1'000'000) return ModelCardView::tr("%1 M").arg(locale.toString(n / 1e6, 'f', 1));
    return locale.toString(static_cast<qlonglong>(n));
}

}  // namespace

ModelCardView::ModelCardView(QWidget* parent) : QGroupBox(parent), m_label(new QLabel(this)) {
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_label);
    retranslateUi();
}

void ModelCardView::setCard(const ModelCard& card) {
    m_card = card;
    retranslateUi();
}

void ModelCardView::clear(const QString& reason) {
    m_card.reset();
    m_reason = reason;
    retranslateUi();
}

QString ModelCardView::text() const { return m_label->text(); }

void ModelCardView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QGroupBox::changeEvent(event);
}

QString ModelCardView::deviceText(const ModelCard& card) {
    if (card.threads <= 0) return card.device;  // the GPU: "CUDA, " and its name
    // A line may break after each "+" of "avx512f+avx2+fma+f16c" in a narrow card.
    QString isa = card.cpuIsa;
    isa.replace(QLatin1Char('+'), QStringLiteral("+\u200b"));
    //: %n CPU threads, %1 the instruction sets in use, e.g. "avx512f+avx2+fma+f16c".
    return tr("CPU, %n thread(s), %1", nullptr, card.threads).arg(isa);
}

QString ModelCardView::quantizationText(const Quantization& q) {
    const QLocale locale;
    //: A quantized checkpoint's linear layers (spec §7): 4-bit weights with a scale per group of %1 inputs.
    if (q.method == Quantization::Method::Awq) return tr("AWQ 4-bit, groups of %1").arg(locale.toString(qlonglong(q.groupSize)));
    //: 8-bit floating-point weights with a scale per block of %1 × %2 weights.
    return tr("FP8 e4m3, blocks of %1 × %2").arg(locale.toString(qlonglong(q.blockRows)), locale.toString(qlonglong(q.groupSize)));
}

QString ModelCardView::noteText(const QString& note) {
    if (note == QLatin1String(kNoNvidiaDriverNote))
        return tr("No NVIDIA driver found (libcuda.so.1): the model runs on the CPU.");
    if (note == QLatin1String(kNoCudaBackendNote))
        return tr("This build has no GPU backend (libqe_cuda.so): the model runs on the CPU.");
    static const QRegularExpression shorter(QStringLiteral("^the GPU holds (\\d+) of the model's (\\d+) context positions$"));
    const QRegularExpressionMatch m = shorter.match(note);
    const QLocale locale;
    if (m.hasMatch())
        //: %1 context positions the GPU's memory holds, %2 the model's own context length.
        return tr("The GPU's memory holds %1 of the model's %2 context positions.")
            .arg(locale.toString(m.captured(1).toLongLong()), locale.toString(m.captured(2).toLongLong()));
    //: %1: a technical reason from the engine, in English.
    return tr("The GPU is not used: %1").arg(note);
}

void ModelCardView::retranslateUi() {
    setTitle(tr("Model"));
    if (!m_card) {
        m_label->setText(m_reason.toHtmlEscaped());
        return;
    }
    const ModelCard& c = *m_card;
    const QLocale locale;
    auto row = [](const QString& key, const QString& value) {
        // Keys on one line (a narrow card would break a Chinese key after any character).
        return QStringLiteral("<tr><td style='padding-right:8px; white-space:nowrap'><b>%1</b></td><td>%2</td></tr>")
            .arg(key.toHtmlEscaped(), value.toHtmlEscaped());
    };
    QString html = QStringLiteral("<table>");
    html += row(tr("Name"), c.name);
    html += row(tr("Architecture"), c.architecture);
    html += row(tr("Parameters"), formatParameters(c.parameters));
    QString weights = c.dtype;
    //: A quantized model's weights: %1 the quantization ("AWQ 4-bit, groups of 128"), %2 the checkpoint's dtypes ("F16+I32").
    if (c.quantization) weights = tr("%1 (%2)").arg(quantizationText(*c.quantization), c.dtype);
    html += row(tr("Weights"), weights);
    //: Memory: %1 weight file size, %2 KV-cache bytes per token, %3 the cache's number format ("bf16" or "fp32").
    html += row(tr("Memory"), tr("%1 weights + %2 per token of context (%3 KV cache)")
                                  .arg(locale.formattedDataSize(static_cast<qint64>(c.weightBytes)),
                                       locale.formattedDataSize(c.kvBytesPerToken),
                                       c.kvCache == KvType::BF16 ? QStringLiteral("bf16") : QStringLiteral("fp32")));
    html += row(tr("Context"), tr("%1 tokens").arg(locale.toString(static_cast<qlonglong>(c.contextLimit))));
    html += row(tr("Layers"), locale.toString(static_cast<qlonglong>(c.layers)));
    //: Where the model runs: the CPU with its threads, or the GPU's name.
    html += row(tr("Device"), deviceText(c));
    //: How the CPU multiplies a prompt's tokens by the weights (Settings → Prompt processing).
    if (c.threads > 0)  // on the CPU
        html += row(tr("Prompt processing"), c.prefillMatmul == cpu::GemmPrecision::Bf16 ? tr("bf16 on AMX tiles")
                                                                                          : tr("32-bit float"));
    //: A remark on where the model runs, e.g. why the GPU is not used.
    if (!c.backendNote.isEmpty()) html += row(tr("Note"), noteText(c.backendNote));
    html += row(tr("Loaded in"), tr("%1 s").arg(locale.toString(c.loadSeconds, 'f', 2)));
    html += QStringLiteral("</table>");
    m_label->setText(html);
}

}  // namespace qe::gui
