// Statistics of the tensors behind a block of the layer-structure diagram (issue #9): pick one of
// the block's tensors (and the layer), see its dtype, shape, mean, std, min, max, non-finite count
// and histogram. Computed lazily by core computeTensorStats on a worker thread from the loaded
// model's memory-mapped checkpoint, cached per tensor; with a config alone it says weights are needed.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

#include <QHash>
#include <QWidget>

#include "core/model_config.h"
#include "core/tensor_stats.h"
#include "gui/inspector/structure_diagram.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;
class QThreadPool;

namespace qe::gui {

class TensorHistogram;

// The checkpoint tensor names a block reads in `layer` (spec §1.2), in diagram order; the LM head
// of a tied model names the embedding it shares. Empty for blocks without weights.
std::vector<QString> blockTensorNames(StructureBlock block, const ModelConfig& config, std::int64_t layer);

class TensorStatsPanel : public QWidget {
    Q_OBJECT
public:
    enum class State { NoBlock, NoWeights, NoTensor, Computing, Ready, Failed };

    explicit TensorStatsPanel(QWidget* parent = nullptr);
    // Cancels the running computation and waits for the worker to notice (a few microseconds).
    ~TensorStatsPanel() override;

    // The tensors to read from, or null when the shown model is a config without weights.
    // A different checkpoint cancels the running computation; different weights (not null)
    // also start a new cache. GUI thread.
    void setCheckpoint(std::shared_ptr<const SafetensorsCheckpoint> checkpoint, const ModelConfig& config);
    // Lists the tensors of `block` and starts on the first (or the one last chosen in this block).
    void showBlock(StructureBlock block);
    bool selectTensor(const QString& name);  // false if the shown block has no such tensor
    void setLayer(int layer);

    State state() const { return m_state; }
    QString currentTensor() const;
    // The statistics on screen; null unless state() == Ready.
    const TensorStats* shownStats() const;
    TensorHistogram* histogram() const { return m_histogram; }
    QString summaryText() const;
    QString statusText() const;

signals:
    // The statistics of `tensor` are on screen (computed or from the cache).
    void statsShown(const QString& tensor);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void fillTensors();
    void request();
    void start(const QString& name);
    void finished(const QString& name, std::uint64_t generation, const std::optional<TensorStats>& stats, const Error& error);
    void show(const TensorStats& stats);
    void updateSummary();
    void setState(State state);
    void cancel();

    std::shared_ptr<const SafetensorsCheckpoint> m_checkpoint;
    ModelConfig m_config;
    std::optional<StructureBlock> m_block;
    std::shared_ptr<const SafetensorsCheckpoint> m_cacheOf;  // the weights m_cache and m_generation are for
    std::uint64_t m_generation = 0;      // bumped per checkpoint: results of older ones are dropped
    std::stop_source m_stop;             // of the running computation
    QString m_pending;                   // tensor being computed while state() == Computing
    std::optional<TensorStats> m_shown;
    QHash<QString, TensorStats> m_cache; // by tensor name, for m_checkpoint
    State m_state = State::NoBlock;
    QString m_error;
    QThreadPool* m_pool;                 // one thread: a new request cancels, never queues behind
    QLabel* m_title;
    QLabel* m_tensorLabel;
    QComboBox* m_tensor;
    QLabel* m_layerLabel;
    QSpinBox* m_layer;
    QLabel* m_summary;
    QLabel* m_status;
    TensorHistogram* m_histogram;
    QCheckBox* m_logScale;
};

}  // namespace qe::gui
