// ModelCardView: a small key/value table.
#include "gui/model_card.h"

#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

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
    html += row(tr("Weights"), c.dtype);
    //: Memory: %1 weight file size, %2 KV-cache bytes per token, %3 the cache's number format ("bf16" or "fp32").
    html += row(tr("Memory"), tr("%1 weights + %2 per token of context (%3 KV cache)")
                                  .arg(locale.formattedDataSize(static_cast<qint64>(c.weightBytes)),
                                       locale.formattedDataSize(c.kvBytesPerToken),
                                       c.kvCache == KvType::BF16 ? QStringLiteral("bf16") : QStringLiteral("fp32")));
    html += row(tr("Context"), tr("%1 tokens").arg(locale.toString(static_cast<qlonglong>(c.contextLimit))));
    html += row(tr("Layers"), locale.toString(static_cast<qlonglong>(c.layers)));
    //: Where the model runs: the CPU with its threads, or the GPU's name.
    html += row(tr("Device"), c.device);
    //: How the CPU multiplies a prompt's tokens by the weights (Settings → Prompt processing).
    if (c.threads > 0)  // on the CPU
        html += row(tr("Prompt processing"), c.prefillMatmul == cpu::GemmPrecision::Bf16 ? tr("bf16 on AMX tiles")
                                                                                          : tr("32-bit float"));
    //: A remark on where the model runs, e.g. why the GPU is not used (the text is in English).
    if (!c.backendNote.isEmpty()) html += row(tr("Note"), c.backendNote);
    html += row(tr("Loaded in"), tr("%1 s").arg(locale.toString(c.loadSeconds, 'f', 2)));
    html += QStringLiteral("</table>");
    m_label->setText(html);
}

}  // namespace qe::gui
