#include "kernels/cuda_backend.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/weights.h"
#include "kernels/device_kernels.h"
#include "kernels/plan.h"
#include "kernels/sampling.h"

namespace qe::cuda {

namespace {

Error cudaError(cudaError_t e, const char* what) {
    const ErrorCode code = e == cudaErrorMemoryAllocation ? ErrorCode::OutOfMemory : ErrorCode::Device;
    return makeError(code, std::string("CUDA error ") + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ") in " + what);
}

Error blasError(cublasStatus_t s, const char* what) {
    const ErrorCode code = s == CUBLAS_STATUS_ALLOC_FAILED ? ErrorCode::OutOfMemory : ErrorCode::Device;
    return makeError(code, std::string("cuBLAS error ") + cublasGetStatusName(s) + " (" + cublasGetStatusString(s) +
                               ") in " + what);
}

#define QE_CUDA_TRY(expr)                                      \
    do {                                                       \
        const cudaError_t qe_cuda_e_ = (expr);                 \
        if (qe_cuda_e_ != cudaSuccess) return cudaError(qe_cuda_e_, #expr); \
    } while (0)

#define QE_BLAS_TRY(expr)                                      \
    do {                                                       \
        const cublasStatus_t qe_blas_s_ = (expr);              \
        if (qe_blas_s_ != CUBLAS_STATUS_SUCCESS) return blasError(qe_blas_s_, #expr); \
    } while (0)

// y[t, r] = Σ_c x[t, c] · w[r, c] for t < tokens (row-major; w [rows, cols] and x bf16, y fp32,
// fp32 accumulation) through cuBLAS: the backend's products, and what measureCeilings times.
// Row-major y = x · wᵀ is column-major yᵀ = (wᵀ)ᵀ · xᵀ.
Status blasProduct(cublasHandle_t blas, const bf16* w, int rows, int cols, const bf16* x, int tokens, float* y) {
    const float alpha = 1.0f, beta = 0.0f;
    QE_BLAS_TRY(cublasGemmEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, rows, tokens, cols, &alpha, w, CUDA_R_16BF, cols, x, CUDA_R_16BF,
                             cols, &beta, y, CUDA_R_32F, rows, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    return {};
}

// A device allocation of `count` T, freed with the object.
template <class T>
class DeviceArray {
public:
    DeviceArray() = default;
    DeviceArray(const DeviceArray&) = delete;
    DeviceArray& operator=(const DeviceArray&) = delete;
    DeviceArray(DeviceArray&& other) noexcept : m_ptr(std::exchange(other.m_ptr, nullptr)), m_count(other.m_count) {}
    ~DeviceArray() {
        if (m_ptr) cudaFree(m_ptr);
    }
    Status allocate(std::size_t count) {
        if (count == 0) return {};
        void* p = nullptr;
        const cudaError_t e = cudaMalloc(&p, count * sizeof(T));
        if (e != cudaSuccess) {
            cudaGetLastError();  // clear the (non-sticky) allocation error
            return makeError(e == cudaErrorMemoryAllocation ? ErrorCode::OutOfMemory : ErrorCode::Device,
                             "cannot allocate " + std::to_string((count * sizeof(T)) >> 20) + " MiB of GPU memory: " +
                                 cudaGetErrorString(e));
        }
        m_ptr = static_cast<T*>(p);
        m_count = count;
        return {};
    }
    T* get() const { return m_ptr; }
    std::size_t count() const { return m_count; }

private:
    T* m_ptr = nullptr;
    std::size_t m_count = 0;
};

struct DeviceLayer {
    DeviceArray<bf16> qkv;       // [(Nq + 2·Nkv)·d, H]: q_proj, k_proj, v_proj rows
    DeviceArray<bf16> o;         // [H, Nq·d]
    DeviceArray<bf16> gateUp;    // [2·I, H]: gate_proj, up_proj rows
    DeviceArray<bf16> down;      // [H, I]
    DeviceArray<float> inputNorm, postNorm, qNorm, kNorm;
};

std::uint16_t floatToBf16Bits(float f) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // NaN
    bits += 0x7fffu + ((bits >> 16) & 1u);                  // round to nearest even
    return static_cast<std::uint16_t>(bits >> 16);
}


// Asks the kernel to read [p, p + bytes) of a mapped file now, so the disk works on the next
// chunk while this one is converted and copied (a hint: errors are ignored).
void readAhead(const void* p, std::size_t bytes) {
    if (bytes == 0) return;
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto address = reinterpret_cast<std::uintptr_t>(p), begin = address & ~(page - 1);
    ::madvise(reinterpret_cast<void*>(begin), bytes + (address - begin), MADV_WILLNEED);
}

// Streams host matrices to the device through two pinned buffers: while one chunk copies, the
// next is read (from the page cache or the disk) and converted into the other.
class Uploader {
public:
    static constexpr std::size_t kChunkBytes = 64ull << 20;

    Uploader(cudaStream_t stream, std::uint64_t totalBytes, std::stop_token stop,
             const std::function<void(std::uint64_t, std::uint64_t)>& progress)
        : m_stream(stream), m_total(totalBytes), m_stop(std::move(stop)), m_progress(progress) {}
    ~Uploader() {
        for (int i = 0; i < 2; ++i) {
            if (m_done[i]) {
                cudaEventSynchronize(m_done[i]);  // the copy may still read the staging buffer
                cudaEventDestroy(m_done[i]);
            }
            if (m_staging[i]) cudaFreeHost(m_staging[i]);
        }
    }

    Status init() {
        for (int i = 0; i < 2; ++i) {
            QE_CUDA_TRY(cudaHostAlloc(&m_staging[i], kChunkBytes, cudaHostAllocDefault));
            QE_CUDA_TRY(cudaEventCreateWithFlags(&m_done[i], cudaEventDisableTiming));
        }
        if (m_progress) m_progress(0, m_total);  // the streaming starts (load-bench times it from here)
        return {};
    }

    // Rows of `w` as bf16 to dst ([rows, cols]).
    Status matrix(const cpu::MatrixView& w, bf16* dst) {
        const std::size_t rowOut = static_cast<std::size_t>(w.cols) * 2;
        const std::int64_t rowsPerChunk = std::max<std::int64_t>(1, static_cast<std::int64_t>(kChunkBytes / rowOut));
        if (rowOut > kChunkBytes) return makeError(ErrorCode::Unsupported, "a weight row exceeds the staging buffer");
        std::vector<float> widened(w.type == cpu::WeightType::BF16 ? 0 : static_cast<std::size_t>(w.cols));
        for (std::int64_t row = 0; row < w.rows; row += rowsPerChunk) {
            if (m_stop.stop_requested()) return makeError(ErrorCode::Cancelled, "loading cancelled");
            const std::int64_t rows = std::min(rowsPerChunk, w.rows - row);
            // Wait until the copy that last used this buffer has finished.
            QE_CUDA_TRY(cudaEventSynchronize(m_done[m_next]));
            auto* staging = static_cast<std::uint16_t*>(m_staging[m_next]);
            // The rows as stored (quantized ones are widened below, like f16 and f32).
            const auto* src = static_cast<const unsigned char*>(w.data) + row * cpu::storedRowBytes(w);
            const std::size_t chunkIn = static_cast<std::size_t>(rows * cpu::storedRowBytes(w));
            if (row == 0) readAhead(src, chunkIn);
            const std::int64_t nextRows = std::min(rowsPerChunk, w.rows - row - rows);
            readAhead(src + chunkIn, static_cast<std::size_t>(std::max<std::int64_t>(nextRows, 0) * cpu::storedRowBytes(w)));
            if (w.type == cpu::WeightType::BF16) {
                std::memcpy(staging, src, static_cast<std::size_t>(rows) * rowOut);
            } else {
                for (std::int64_t r = 0; r < rows; ++r) {
                    cpu::rowToFloat(w, row + r, widened.data());
                    for (std::int64_t c = 0; c < w.cols; ++c) staging[r * w.cols + c] = floatToBf16Bits(widened[c]);
                }
            }
            QE_CUDA_TRY(cudaMemcpyAsync(dst + row * w.cols, staging, static_cast<std::size_t>(rows) * rowOut,
                                        cudaMemcpyHostToDevice, m_stream));
            QE_CUDA_TRY(cudaEventRecord(m_done[m_next], m_stream));
            m_next ^= 1;
            m_doneBytes += static_cast<std::uint64_t>(rows * cpu::storedRowBytes(w));
            if (m_progress) m_progress(m_doneBytes, m_total);
        }
        return {};
    }

    Status vector(const std::vector<float>& v, DeviceArray<float>& dst) {
        QE_TRY(dst.allocate(v.size()));
        // On the upload stream, like the weights: a plain cudaMemcpy from pageable memory runs on the
        // legacy stream, which the backend's non-blocking stream does not wait for, and may return
        // before the data lands. From pageable memory the call returns once `v` is staged.
        QE_CUDA_TRY(cudaMemcpyAsync(dst.get(), v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice, m_stream));
        return {};
    }

    Status finish() {
        QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
        return {};
    }

private:
    cudaStream_t m_stream;
    std::uint64_t m_total, m_doneBytes = 0;
    std::stop_token m_stop;
    const std::function<void(std::uint64_t, std::uint64_t)>& m_progress;
    void* m_staging[2] = {nullptr, nullptr};
    cudaEvent_t m_done[2] = {nullptr, nullptr};
    int m_next = 0;
};

std::string deviceName(int device) {
    cudaDeviceProp props{};
    if (cudaGetDeviceProperties(&props, device) != cudaSuccess) return "CUDA device " + std::to_string(device);
    char size[32];
    std::snprintf(size, sizeof size, "%.1f GiB", static_cast<double>(props.totalGlobalMem) / double(1ull << 30));
    return std::string(props.name) + " (sm_" + std::to_string(props.major) + std::to_string(props.minor) + ", " + size + ")";
}

class CudaBackend final : public Backend {
public:
    // `weights` null: random weights made on the device (synthesize()).
    CudaBackend(const ModelConfig& config, const Weights* weights) : m_weights(weights), m_config(config) {}
    ~CudaBackend() override {
        if (m_stream) cudaStreamSynchronize(m_stream);
        dropGraphs();
        for (cudaEvent_t e : m_layerEvents) cudaEventDestroy(e);
        if (m_blas) cublasDestroy(m_blas);
        if (m_stream) cudaStreamDestroy(m_stream);
    }

    Status init(const CudaCreateArgs& args);

    BackendKind kind() const override { return BackendKind::Cuda; }
    std::string description() const override { return m_description; }
    std::int64_t maxChunk() const override { return m_maxChunk; }
    std::int64_t contextLimit() const override { return m_maxContext; }
    KvStorage kvStorage() const override { return KvStorage::External; }
    bool hostHiddenStates() const override { return false; }

    Status forward(std::span<const int> tokens, KvCache& cache, LogitsFor which, float* logits, std::stop_token stop,
                   Diagnostics* diagnostics) override;
    Status attentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos, const Diagnostics& diagnostics,
                        const KvCache& cache, std::vector<float>& out) override;
    Status logitLens(std::int64_t layer, std::int64_t pos, const Diagnostics& diagnostics, std::vector<float>& out) override;
    Status fillSyntheticContext(KvCache& cache, std::int64_t tokens, std::uint64_t seed) override;
    bool samplesOnDevice() const override { return true; }
    Status sample(const SampleRequest& request, SampleOutcome& outcome) override;
    Status readLogits(std::span<float> out) override;
    bool setDecodeGraphs(bool on) override {
        if (!on) dropGraphs();
        m_useGraphs = on;
        return m_useGraphs;
    }

private:
    // y[t, n] = Σ_k x[t, k] · w[n, k] for t < tokens: bf16 inputs, fp32 output and accumulation.
    Status gemm(const bf16* w, std::int64_t n, std::int64_t k, const bf16* x, std::int64_t tokens, float* y);
    bf16* keys(std::int64_t layer) const { return m_kCache.get() + layer * m_cacheLayerElems; }
    bf16* values(std::int64_t layer) const { return m_vCache.get() + layer * m_cacheLayerElems; }
    const float* keptHidden(std::int64_t pos, std::int64_t layer) const {
        return m_kept.get() + (static_cast<std::size_t>(pos) * (m_config.numHiddenLayers + 1) + layer) * m_config.hiddenSize;
    }
    Status upload(const CudaCreateArgs& args);
    Status synthesize(std::uint64_t seed);
    // Enqueues a chunk from the embedding to the final norm (normed rows in m_normed when
    // `normOut`). devicePos non-null: kernels read the first position there (a graph's step).
    // `capturing`: the layer events become event nodes of the graph being captured.
    Status enqueueLayers(int tokens, std::int64_t startPos, const int* devicePos, bool diag, bool normOut,
                         std::stop_token stop, bool capturing);
    // Decode with CUDA graphs: one token at stepPos() (uploaded by the caller), the step replayed
    // from a graph captured for its shape (captured on first use); with `lmHead` the row's logits
    // end in m_logits.
    Status launchDecodeGraph(std::int64_t startPos, bool diag, bool lmHead);
    // A chunk of `tokens` keeps its diagnostics at the start of m_diagOut, part after part:
    // residual RMS [t][layer], MLP activation RMS [t][layer], attention entropy and sink
    // [t][layer][head]; `floats` in all.
    struct DiagParts {
        float *residualRms, *mlpRms, *entropy, *sink;
        std::size_t floats;
    };
    DiagParts diagParts(int tokens) const {
        const std::size_t perLayer = std::size_t(tokens) * m_config.numHiddenLayers;
        const std::size_t perHead = perLayer * m_config.numAttentionHeads;
        float* base = m_diagOut.get();
        return {base, base + perLayer, base + 2 * perLayer, base + 2 * perLayer + perHead, 2 * perLayer + 2 * perHead};
    }
    void dropGraphs() {
        for (const DecodeGraph& g : m_graphs) cudaGraphExecDestroy(g.exec);
        m_graphs.clear();
    }
    // After a graph failure: plain launches for the rest of the session.
    void turnGraphsOff(const std::string& why) {
        log()->warn("CUDA graphs turned off for this session, decoding with plain launches: {}", why);
        cudaGetLastError();
        dropGraphs();
        m_useGraphs = false;
    }

    const Weights* m_weights;
    const ModelConfig m_config;
    std::string m_description;
    int m_device = 0;
    std::int64_t m_maxChunk = 1, m_maxContext = 0, m_keptCapacity = 0;
    std::size_t m_cacheLayerElems = 0;
    float m_eps = 0.0f, m_ropeScaling = 1.0f;
    cudaStream_t m_stream = nullptr;
    cublasHandle_t m_blas = nullptr;
    std::vector<cudaEvent_t> m_layerEvents;  // [layers + 1], timing of the last forward

    // Weights.
    DeviceArray<bf16> m_embed, m_lmHeadOwn;
    const bf16* m_lmHead = nullptr;
    DeviceArray<float> m_finalNorm, m_invFreq;
    std::vector<DeviceLayer> m_layers;
    // State.
    DeviceArray<bf16> m_kCache, m_vCache;  // [layers][maxContext][Nkv][d]
    DeviceArray<float> m_kept;             // [keptCapacity][layers + 1][H]
    // Scratch for a chunk of maxChunk tokens.
    DeviceArray<int> m_ids;
    DeviceArray<float> m_hidden, m_delta, m_qkv, m_gateUp, m_logits, m_cos, m_sin;
    DeviceArray<bf16> m_normed, m_attn, m_act;
    // Diagnostics of a chunk, in one buffer so they come back in one copy.
    DeviceArray<float> m_diagOut;
    std::vector<float> m_diagHost;
    DeviceArray<float> m_rowQ, m_probs, m_lensLogits;
    DeviceArray<float> m_splitPartial;     // split-KV decode: [Nq][splits][d + 4]
    bool m_cublasDecode = false;           // QE_CUDA_GEMV=cublas: one-token products through cuBLAS
    FlashKernel m_flashKernel = FlashKernel::Pipelined;  // QE_CUDA_ATTENTION=wmma: the first prefill kernel
    DecodeKernel m_decodeKernel = DecodeKernel::TensorCores;  // QE_CUDA_DECODE_ATTENTION=warps: a warp per head
    // Decode graphs. Within one shape (diagnostics on/off, LM head or not, the split length and
    // count of split-KV attention, which change every split length's positions) a step differs only by
    // its position, which the kernels read from stepPos(); the most recent kMaxDecodeGraphs
    // shapes stay instantiated. QE_CUDA_GRAPHS=0 turns them off; a capture that fails turns them
    // off for the session (logged) and the step runs with plain launches, unless
    // QE_CUDA_GRAPHS=require (tests), which makes that failure the step's error.
    struct DecodeGraph {
        bool diag = false, lmHead = false;
        std::int64_t splitKeys = 0, splits = 0;  // 0: one-pass attention
        cudaGraphExec_t exec = nullptr;
    };
    static constexpr std::size_t kMaxDecodeGraphs = 4;
    bool m_useGraphs = true, m_requireGraphs = false;
    std::vector<DecodeGraph> m_graphs;  // least recently used first
    // A graph step's token and position: m_ids[0] and m_ids[1], uploaded in one copy.
    const int* stepPos() const { return m_ids.get() + 1; }
    bool m_rowKept = false;                // m_logits holds the last position's row (forward without a host buffer)
    DeviceArray<int> m_penaltyIds;         // sampling: distinct penalty ids, and their saved logits
    DeviceArray<float> m_penaltySaved;
    DeviceArray<SampleOutput> m_sampleOut;
    std::vector<int> m_penaltyHost;
    std::vector<std::uint8_t> m_penaltySeen;  // per vocabulary id, all 0 between calls
    SampleOutput m_sampleHost{};
    DeviceArray<bf16> m_rowNormed;
    DeviceArray<unsigned char> m_blasWorkspace;
};

Status CudaBackend::init(const CudaCreateArgs& args) {
    const ModelConfig& c = m_config;
    const CudaBackendOptions& o = args.options;
    QE_TRY(checkModelShape(c));
    int count = 0;
    if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess || count == 0) {
        cudaGetLastError();
        return makeError(ErrorCode::Device, std::string("no usable NVIDIA GPU: ") +
                                                     (e != cudaSuccess ? cudaGetErrorString(e) : "none found"));
    }
    if (o.device < 0 || o.device >= count)
        return makeError(ErrorCode::InvalidArgument, "no CUDA device " + std::to_string(o.device) + " (" +
                                                         std::to_string(count) + " present)");
    m_device = o.device;
    QE_CUDA_TRY(cudaSetDevice(m_device));
    cudaDeviceProp props{};
    QE_CUDA_TRY(cudaGetDeviceProperties(&props, m_device));
    m_description = "CUDA, " + deviceName(m_device);
    if (props.major < 8)
        return makeError(ErrorCode::Device, m_description + " is not supported: bf16 kernels need compute capability 8.0 or newer");
    QE_CUDA_TRY(prepareAttentionKernels());  // before any decode graph is captured

    m_maxChunk = std::clamp<std::int64_t>(o.maxChunk, 1, kMaxChunk);
    if (const char* gemv = std::getenv("QE_CUDA_GEMV")) m_cublasDecode = std::string_view(gemv) == "cublas";
    if (const char* attention = std::getenv("QE_CUDA_ATTENTION"); attention && std::string_view(attention) == "wmma")
        m_flashKernel = FlashKernel::Wmma;
    if (const char* decode = std::getenv("QE_CUDA_DECODE_ATTENTION"); decode && std::string_view(decode) == "warps")
        m_decodeKernel = DecodeKernel::Warps;
    if (const char* graphs = std::getenv("QE_CUDA_GRAPHS")) {
        m_useGraphs = std::string_view(graphs) != "0";
        m_requireGraphs = std::string_view(graphs) == "require";
    }
    m_maxContext = std::max<std::int64_t>(o.maxContext, 1);
    CudaBackendOptions sized = o;
    sized.maxChunk = m_maxChunk;
    sized.maxContext = m_maxContext;
    DeviceMemoryEstimate estimate = estimateDeviceMemory(c, sized);
    std::size_t freeBytes = 0, totalBytes = 0;
    QE_CUDA_TRY(cudaMemGetInfo(&freeBytes, &totalBytes));
    if (estimate.total() > freeBytes && o.fitContext) {
        // Leave 5 % of the free memory to the rest of the desktop.
        const std::int64_t fits = maxContextFitting(c, sized, freeBytes / 20 * 19);
        if (fits >= std::min<std::int64_t>(m_maxContext, kMinFittedContext)) {
            const std::int64_t fitted = fits >= 1024 ? fits / 256 * 256 : fits;
            log()->info("CUDA: {} of {} context positions fit {}", fitted, m_maxContext, deviceName(o.device));
            m_maxContext = sized.maxContext = fitted;
            estimate = estimateDeviceMemory(c, sized);
        }
    }
    if (estimate.total() > freeBytes) {
        const std::int64_t fits = maxContextFitting(c, sized, freeBytes);
        std::string advice = fits >= 1 ? "; a context of " + std::to_string(fits) + " tokens would fit"
                                       : "; the weights alone do not fit this GPU";
        return makeError(ErrorCode::OutOfMemory, "the model does not fit " + deviceName(m_device) + ": it needs about " +
                                                     describe(estimate, m_maxContext) + ", " +
                                                     std::to_string(freeBytes >> 20) + " MiB are free" + advice);
    }
    log()->info("CUDA: {} ({} MiB free): {}", m_description, freeBytes >> 20, describe(estimate, m_maxContext));

    QE_CUDA_TRY(cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking));
    QE_BLAS_TRY(cublasCreate(&m_blas));
    QE_BLAS_TRY(cublasSetStream(m_blas, m_stream));
    QE_TRY(m_blasWorkspace.allocate(32ull << 20));
    QE_BLAS_TRY(cublasSetWorkspace(m_blas, m_blasWorkspace.get(), m_blasWorkspace.count()));
    m_layerEvents.resize(static_cast<std::size_t>(c.numHiddenLayers + 1), nullptr);
    for (cudaEvent_t& e : m_layerEvents) QE_CUDA_TRY(cudaEventCreate(&e));

    m_eps = static_cast<float>(c.rmsNormEps);
    const RopeTables rope = computeRope(c);
    m_ropeScaling = rope.attentionScaling;
    QE_TRY(m_invFreq.allocate(rope.invFreq.size()));
    QE_CUDA_TRY(cudaMemcpyAsync(m_invFreq.get(), rope.invFreq.data(), rope.invFreq.size() * sizeof(float),
                                cudaMemcpyHostToDevice, m_stream));  // ordered before the kernels (see Uploader::vector)

    // State and scratch first (so a context that does not fit fails before the long upload).
    const auto T = static_cast<std::size_t>(m_maxChunk), L = static_cast<std::size_t>(c.numHiddenLayers);
    const auto H = static_cast<std::size_t>(c.hiddenSize), I = static_cast<std::size_t>(c.intermediateSize);
    const auto V = static_cast<std::size_t>(c.vocabSize), Nq = static_cast<std::size_t>(c.numAttentionHeads);
    const auto qkvWidth = static_cast<std::size_t>(c.qWidth() + 2 * c.kvWidth());
    m_cacheLayerElems = static_cast<std::size_t>(m_maxContext) * static_cast<std::size_t>(c.kvWidth());
    QE_TRY(m_kCache.allocate(L * m_cacheLayerElems));
    QE_TRY(m_vCache.allocate(L * m_cacheLayerElems));
    const std::uint64_t keptPerPos = (L + 1) * H * sizeof(float);
    m_keptCapacity = static_cast<std::int64_t>(std::min<std::uint64_t>(o.hiddenBudgetBytes / keptPerPos, m_maxContext));
    QE_TRY(m_kept.allocate(static_cast<std::size_t>(m_keptCapacity) * (L + 1) * H));
    QE_TRY(m_ids.allocate(std::max<std::size_t>(T, 2)));
    QE_TRY(m_hidden.allocate(T * H));
    QE_TRY(m_delta.allocate(T * H));
    QE_TRY(m_normed.allocate(T * H));
    QE_TRY(m_qkv.allocate(T * qkvWidth));
    QE_TRY(m_attn.allocate(T * static_cast<std::size_t>(c.qWidth())));
    QE_TRY(m_gateUp.allocate(T * 2 * I));
    QE_TRY(m_act.allocate(T * I));
    QE_TRY(m_logits.allocate(std::min<std::size_t>(T, kLogitRows) * V));
    QE_TRY(m_cos.allocate(T * static_cast<std::size_t>(c.headDim / 2)));
    QE_TRY(m_sin.allocate(T * static_cast<std::size_t>(c.headDim / 2)));
    QE_TRY(m_diagOut.allocate(T * L * (2 + 2 * Nq)));
    QE_TRY(m_rowQ.allocate(static_cast<std::size_t>(c.headDim)));
    QE_TRY(m_probs.allocate(static_cast<std::size_t>(m_maxContext) + 1));
    QE_TRY(m_lensLogits.allocate(V));
    QE_TRY(m_rowNormed.allocate(H));
    QE_TRY(m_penaltyIds.allocate(sampleScratchIds(c, m_maxContext)));
    QE_TRY(m_penaltySaved.allocate(sampleScratchIds(c, m_maxContext)));
    QE_TRY(m_sampleOut.allocate(1));
    QE_TRY(m_splitPartial.allocate(Nq * static_cast<std::size_t>(decodeMaxSplits(m_maxContext)) *
                                   static_cast<std::size_t>(decodePartialFloats(c.headDim))));
    return m_weights ? upload(args) : synthesize(args.syntheticSeed);
}

Status CudaBackend::synthesize(std::uint64_t seed) {
    const ModelConfig& c = m_config;
    const auto H = static_cast<std::size_t>(c.hiddenSize), I = static_cast<std::size_t>(c.intermediateSize);
    const auto qkvRows = static_cast<std::size_t>(c.qWidth() + 2 * c.kvWidth()), q = static_cast<std::size_t>(c.qWidth());
    std::uint64_t stream = seed * 0x9e3779b97f4a7c15ull;
    // Uniform in ±1/√fan_in keeps activations of every layer in range, whatever the shape.
    auto matrix = [&](DeviceArray<bf16>& dst, std::size_t rows, std::size_t cols) -> Status {
        QE_TRY(dst.allocate(rows * cols));
        QE_CUDA_TRY(launchFillUniformBf16(dst.get(), static_cast<std::int64_t>(rows * cols), ++stream,
                                          1.0f / std::sqrt(static_cast<float>(cols)), m_stream));
        return {};
    };
    auto ones = [&](DeviceArray<float>& dst, std::size_t n) -> Status {
        QE_TRY(dst.allocate(n));
        QE_CUDA_TRY(launchFillFloat(dst.get(), static_cast<std::int64_t>(n), 1.0f, m_stream));
        return {};
    };
    QE_TRY(matrix(m_embed, static_cast<std::size_t>(c.vocabSize), H));
    m_layers.resize(static_cast<std::size_t>(c.numHiddenLayers));
    for (DeviceLayer& d : m_layers) {
        QE_TRY(matrix(d.qkv, qkvRows, H));
        QE_TRY(matrix(d.o, H, q));
        QE_TRY(matrix(d.gateUp, 2 * I, H));
        QE_TRY(matrix(d.down, H, I));
        QE_TRY(ones(d.inputNorm, H));
        QE_TRY(ones(d.postNorm, H));
        QE_TRY(ones(d.qNorm, static_cast<std::size_t>(c.headDim)));
        QE_TRY(ones(d.kNorm, static_cast<std::size_t>(c.headDim)));
    }
    QE_TRY(ones(m_finalNorm, H));
    if (c.tieWordEmbeddings) {
        m_lmHead = m_embed.get();
    } else {
        QE_TRY(matrix(m_lmHeadOwn, static_cast<std::size_t>(c.vocabSize), H));
        m_lmHead = m_lmHeadOwn.get();
    }
    QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
    return {};
}

Status CudaBackend::fillSyntheticContext(KvCache& cache, std::int64_t tokens, std::uint64_t seed) {
    if (tokens < 0 || tokens > std::min(cache.maxTokens(), m_maxContext))
        return makeError(ErrorCode::InvalidArgument, "a synthetic context of " + std::to_string(tokens) +
                                                         " tokens does not fit the KV cache of " + std::to_string(m_maxContext));
    QE_CUDA_TRY(cudaSetDevice(m_device));
    const auto n = static_cast<std::int64_t>(tokens) * m_config.kvWidth();
    for (std::int64_t layer = 0; layer < m_config.numHiddenLayers; ++layer) {
        QE_CUDA_TRY(launchFillUniformBf16(keys(layer), n, seed + 2 * std::uint64_t(layer), 1.7f, m_stream));
        QE_CUDA_TRY(launchFillUniformBf16(values(layer), n, seed + 2 * std::uint64_t(layer) + 1, 1.7f, m_stream));
    }
    QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
    QE_TRY(cache.reserve(tokens));
    cache.clear();
    cache.append(std::vector<int>(static_cast<std::size_t>(tokens), 0));
    return {};
}

Status CudaBackend::upload(const CudaCreateArgs& args) {
    const ModelConfig& c = m_config;
    const Weights& w = *m_weights;
    std::uint64_t total = 0;
    auto bytes = [](const cpu::MatrixView& m) { return static_cast<std::uint64_t>(m.rows * cpu::storedRowBytes(m)); };
    total += bytes(w.embedTokens());
    if (!c.tieWordEmbeddings) total += bytes(w.lmHead());
    for (std::int64_t l = 0; l < c.numHiddenLayers; ++l) {
        const LayerWeights& lw = w.layer(l);
        for (const cpu::MatrixView* m : {&lw.qProj, &lw.kProj, &lw.vProj, &lw.oProj, &lw.gateProj, &lw.upProj, &lw.downProj})
            total += bytes(*m);
    }
    Uploader up(m_stream, total, args.stop, args.progress);
    QE_TRY(up.init());
    const auto H = static_cast<std::size_t>(c.hiddenSize);
    QE_TRY(m_embed.allocate(static_cast<std::size_t>(c.vocabSize) * H));
    QE_TRY(up.matrix(w.embedTokens(), m_embed.get()));
    m_layers.resize(static_cast<std::size_t>(c.numHiddenLayers));
    for (std::int64_t l = 0; l < c.numHiddenLayers; ++l) {
        const LayerWeights& lw = w.layer(l);
        DeviceLayer& d = m_layers[static_cast<std::size_t>(l)];
        QE_TRY(d.qkv.allocate(static_cast<std::size_t>(c.qWidth() + 2 * c.kvWidth()) * H));
        QE_TRY(up.matrix(lw.qProj, d.qkv.get()));
        QE_TRY(up.matrix(lw.kProj, d.qkv.get() + static_cast<std::size_t>(c.qWidth()) * H));
        QE_TRY(up.matrix(lw.vProj, d.qkv.get() + static_cast<std::size_t>(c.qWidth() + c.kvWidth()) * H));
        QE_TRY(d.o.allocate(H * static_cast<std::size_t>(c.qWidth())));
        QE_TRY(up.matrix(lw.oProj, d.o.get()));
        QE_TRY(d.gateUp.allocate(2 * static_cast<std::size_t>(c.intermediateSize) * H));
        QE_TRY(up.matrix(lw.gateProj, d.gateUp.get()));
        QE_TRY(up.matrix(lw.upProj, d.gateUp.get() + static_cast<std::size_t>(c.intermediateSize) * H));
        QE_TRY(d.down.allocate(H * static_cast<std::size_t>(c.intermediateSize)));
        QE_TRY(up.matrix(lw.downProj, d.down.get()));
        QE_TRY(up.vector(lw.inputLayernorm, d.inputNorm));
        QE_TRY(up.vector(lw.postAttentionLayernorm, d.postNorm));
        QE_TRY(up.vector(lw.qNorm, d.qNorm));
        QE_TRY(up.vector(lw.kNorm, d.kNorm));
    }
    QE_TRY(up.vector(w.finalNorm(), m_finalNorm));
    if (c.tieWordEmbeddings) {
        m_lmHead = m_embed.get();
    } else {
        QE_TRY(m_lmHeadOwn.allocate(static_cast<std::size_t>(c.vocabSize) * H));
        QE_TRY(up.matrix(w.lmHead(), m_lmHeadOwn.get()));
        m_lmHead = m_lmHeadOwn.get();
    }
    return up.finish();
}

Status CudaBackend::gemm(const bf16* w, std::int64_t n, std::int64_t k, const bf16* x, std::int64_t tokens, float* y) {
    if (tokens == 1 && !m_cublasDecode) {  // decode: our GEMV (measureCeilings compares it with cuBLAS)
        QE_CUDA_TRY(launchGemv(w, x, y, static_cast<int>(n), static_cast<int>(k), m_stream));
        return {};
    }
    return blasProduct(m_blas, w, static_cast<int>(n), static_cast<int>(k), x, static_cast<int>(tokens), y);
}

Status CudaBackend::forward(std::span<const int> tokens, KvCache& cache, LogitsFor which, float* logits,
                            std::stop_token stop, Diagnostics* diagnostics) {
    const ModelConfig& c = m_config;
    const auto numTokens = static_cast<std::int64_t>(tokens.size());
    const std::int64_t startPos = cache.length();
    if (numTokens == 0) return {};
    if (!logits && which == LogitsFor::All)
        return makeError(ErrorCode::Internal, "the logits of every position need a host buffer");
    m_rowKept = false;
    if (numTokens > m_maxChunk)
        return makeError(ErrorCode::Internal, "chunk of " + std::to_string(numTokens) + " tokens exceeds the maximum of " +
                                                  std::to_string(m_maxChunk));
    if (startPos + numTokens > std::min(cache.capacity(), m_maxContext))
        return makeError(ErrorCode::Internal, "the GPU KV cache has room for " + std::to_string(m_maxContext) +
                                                  " tokens, need " + std::to_string(startPos + numTokens));
    for (int tok : tokens)
        if (tok < 0 || tok >= c.vocabSize)
            return makeError(ErrorCode::InvalidArgument, "token id " + std::to_string(tok) + " is outside the vocabulary [0, " +
                                                             std::to_string(c.vocabSize) + ")");
    Diagnostics* diag = diagnostics && diagnostics->enabled() ? diagnostics : nullptr;
    if (diag && diag->positions() < startPos + numTokens)
        return makeError(ErrorCode::Internal, "diagnostics have room for " + std::to_string(diag->positions()) +
                                                  " positions, need " + std::to_string(startPos + numTokens));
    QE_CUDA_TRY(cudaSetDevice(m_device));
    const int T = static_cast<int>(numTokens), H = static_cast<int>(c.hiddenSize), L = static_cast<int>(c.numHiddenLayers);
    const int Nq = static_cast<int>(c.numAttentionHeads);
    const bool lmHead = which != LogitsFor::None;

    // A graph step runs whole (one token, milliseconds), so a stop is honoured before it starts.
    if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "cancelled");
    bool viaGraph = false;
    if (T == 1 && m_useGraphs) {
        // Token and position in one copy. A pageable source is copied before the call returns,
        // so a local is safe.
        const int step[2] = {tokens[0], static_cast<int>(startPos)};
        QE_CUDA_TRY(cudaMemcpyAsync(m_ids.get(), step, sizeof step, cudaMemcpyHostToDevice, m_stream));
        if (Status st = launchDecodeGraph(startPos, diag != nullptr, lmHead); st.ok()) {
            viaGraph = true;
        } else if (m_requireGraphs) {
            cudaGetLastError();  // reported here, not again by the next step's first launch
            return st;
        } else {
            // Nothing of the step ran (capture, instantiation or launch failed): plain launches redo it.
            turnGraphsOff(st.error().text());
        }
    }
    if (!viaGraph) {
        QE_CUDA_TRY(cudaMemcpyAsync(m_ids.get(), tokens.data(), tokens.size() * sizeof(int), cudaMemcpyHostToDevice, m_stream));
        QE_TRY(enqueueLayers(T, startPos, nullptr, diag != nullptr, lmHead, stop, false));
    }
    if (lmHead) {
        // In blocks of kLogitRows rows, each copied out before the next overwrites the buffer
        // (the copy to pageable host memory returns when it is done). Without a host buffer the
        // last row stays for sample(). A graph step has computed its one row already.
        const int first = which == LogitsFor::Last ? T - 1 : 0;
        for (int row = first; row < T; row += static_cast<int>(kLogitRows)) {
            const int rows = std::min(T - row, static_cast<int>(kLogitRows));
            if (!viaGraph) QE_TRY(gemm(m_lmHead, c.vocabSize, H, m_normed.get() + std::size_t(row) * H, rows, m_logits.get()));
            if (!logits) continue;
            QE_CUDA_TRY(cudaMemcpyAsync(logits + std::size_t(row - first) * c.vocabSize, m_logits.get(),
                                        std::size_t(rows) * c.vocabSize * sizeof(float), cudaMemcpyDeviceToHost, m_stream));
            QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
        }
    }
    if (diag) {  // one copy (a few KB); the parts go to their places below
        const DiagParts parts = diagParts(T);
        m_diagHost.resize(parts.floats);
        QE_CUDA_TRY(cudaMemcpyAsync(m_diagHost.data(), parts.residualRms, parts.floats * sizeof(float), cudaMemcpyDeviceToHost,
                                    m_stream));
    }
    QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
    if (diag) {
        // The parts in diagParts' order.
        const std::size_t perLayer = std::size_t(T) * L, perHead = perLayer * Nq;
        const float* part = m_diagHost.data();
        std::copy_n(part, perLayer, &diag->residualRms(startPos, 0));
        std::copy_n(part + perLayer, perLayer, &diag->mlpActivationRms(startPos, 0));
        std::copy_n(part + 2 * perLayer, perHead, &diag->attentionEntropy(startPos, 0, 0));
        std::copy_n(part + 2 * perLayer + perHead, perHead, &diag->attentionSink(startPos, 0, 0));
        for (int layer = 0; layer < L; ++layer) {
            float ms = 0.0f;
            const cudaError_t e =
                cudaEventElapsedTime(&ms, m_layerEvents[std::size_t(layer)], m_layerEvents[std::size_t(layer + 1)]);
            if (e != cudaSuccess && (!viaGraph || m_requireGraphs)) {
                cudaGetLastError();
                return cudaError(e, "timing a layer");
            }
            if (e != cudaSuccess) {  // the step itself is fine; its layer times stay the previous step's
                turnGraphsOff(std::string("their event nodes gave no layer times: ") + cudaGetErrorString(e));
                break;
            }
            diag->layerSeconds()[std::size_t(layer)] = ms * 1e-3;
        }
    }
    cache.append(tokens);
    m_rowKept = which == LogitsFor::Last && !logits;
    return {};
}

Status CudaBackend::enqueueLayers(int T, std::int64_t startPos, const int* devicePos, bool diag, bool normOut,
                                  std::stop_token stop, bool capturing) {
    const ModelConfig& c = m_config;
    const int H = static_cast<int>(c.hiddenSize), I = static_cast<int>(c.intermediateSize);
    const int L = static_cast<int>(c.numHiddenLayers), Nq = static_cast<int>(c.numAttentionHeads);
    const int Nkv = static_cast<int>(c.numKeyValueHeads), d = static_cast<int>(c.headDim);
    const int qkvWidth = static_cast<int>(c.qWidth() + 2 * c.kvWidth());
    const DiagParts parts = diagParts(T);
    // In a capture an event becomes an event node, recorded (and timed) each time the graph runs.
    auto recordLayer = [&](int index) {
        return cudaEventRecordWithFlags(m_layerEvents[static_cast<std::size_t>(index)], m_stream,
                                        capturing ? cudaEventRecordExternal : cudaEventRecordDefault);
    };

    QE_CUDA_TRY(launchEmbed(m_embed.get(), m_ids.get(), m_hidden.get(), T, H, m_stream));
    QE_CUDA_TRY(launchRopeTable(m_invFreq.get(), m_ropeScaling, startPos, T, d / 2, m_cos.get(), m_sin.get(), m_stream,
                                devicePos));
    HiddenKeep keep;
    if (diag && m_keptCapacity > 0) keep = {m_kept.get(), m_keptCapacity, startPos, 0, L, devicePos};
    if (diag) QE_CUDA_TRY(recordLayer(0));
    for (int layer = 0; layer < L; ++layer) {
        if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "cancelled");
        const DeviceLayer& w = m_layers[static_cast<std::size_t>(layer)];
        keep.layer = layer;
        // h += previous layer's MLP output; x = RMSNorm(h; input_layernorm). The residual RMS
        // after the previous layer and the hidden state entering this one are recorded here.
        QE_CUDA_TRY(launchResidualNorm(m_hidden.get(), layer > 0 ? m_delta.get() : nullptr, w.inputNorm.get(), m_normed.get(),
                                       T, H, m_eps, keep, diag && layer > 0 ? parts.residualRms + (layer - 1) : nullptr, L,
                                       m_stream));
        QE_TRY(gemm(w.qkv.get(), qkvWidth, H, m_normed.get(), T, m_qkv.get()));
        QE_CUDA_TRY(launchQkNormRope(m_qkv.get(), w.qNorm.get(), w.kNorm.get(), m_cos.get(), m_sin.get(), keys(layer),
                                     values(layer), T, startPos, Nq, Nkv, d, m_eps, m_stream, devicePos));
        float* entropy = diag ? parts.entropy + std::size_t(layer) * Nq : nullptr;
        float* sink = diag ? parts.sink + std::size_t(layer) * Nq : nullptr;
        if (T == 1 && startPos + 1 > kDecodeSplitMinKeys) {  // decode: split the keys
            const int splitKeys = static_cast<int>(decodeSplitKeys(startPos + 1));
            QE_CUDA_TRY(launchAttentionSplit(m_qkv.get(), keys(layer), values(layer), m_splitPartial.get(), startPos, Nq, Nkv, d,
                                             splitKeys, m_stream, devicePos, m_decodeKernel));
            QE_CUDA_TRY(launchAttentionMerge(m_splitPartial.get(), m_attn.get(), startPos, Nq, d, splitKeys, entropy, sink,
                                             m_stream));
        } else if (flashAttentionApplies(T, d)) {  // a prefill chunk: tensor cores
            QE_CUDA_TRY(launchFlashAttention(m_qkv.get(), qkvWidth, keys(layer), values(layer), m_attn.get(), T, startPos, Nq,
                                             Nkv, d, entropy, sink, L * Nq, m_stream, m_flashKernel));
        } else {
            QE_CUDA_TRY(launchAttention(m_qkv.get(), qkvWidth, keys(layer), values(layer), m_attn.get(), T, startPos, Nq, Nkv, d,
                                        entropy, sink, L * Nq, m_stream, devicePos));
        }
        QE_TRY(gemm(w.o.get(), H, c.qWidth(), m_attn.get(), T, m_delta.get()));
        QE_CUDA_TRY(launchResidualNorm(m_hidden.get(), m_delta.get(), w.postNorm.get(), m_normed.get(), T, H, m_eps,
                                       HiddenKeep{}, nullptr, 0, m_stream));
        QE_TRY(gemm(w.gateUp.get(), 2 * I, H, m_normed.get(), T, m_gateUp.get()));
        QE_CUDA_TRY(launchSwiGlu(m_gateUp.get(), m_act.get(), T, I, diag ? parts.mlpRms + layer : nullptr, L, m_stream));
        QE_TRY(gemm(w.down.get(), H, I, m_act.get(), T, m_delta.get()));
        if (diag) QE_CUDA_TRY(recordLayer(layer + 1));
    }
    if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "cancelled");
    keep.layer = L;
    QE_CUDA_TRY(launchResidualNorm(m_hidden.get(), m_delta.get(), m_finalNorm.get(), normOut ? m_normed.get() : nullptr, T, H,
                                   m_eps, keep, diag ? parts.residualRms + (L - 1) : nullptr, L, m_stream));
    return {};
}

Status CudaBackend::launchDecodeGraph(std::int64_t startPos, bool diag, bool lmHead) {
    // The split length and count are launch arguments: a step whose split differs needs its own graph.
    const bool split = startPos + 1 > kDecodeSplitMinKeys;
    const std::int64_t splitKeys = split ? decodeSplitKeys(startPos + 1) : 0;
    const std::int64_t splits = split ? decodeSplits(startPos + 1, splitKeys) : 0;
    auto found = std::find_if(m_graphs.begin(), m_graphs.end(), [&](const DecodeGraph& g) {
        return g.diag == diag && g.lmHead == lmHead && g.splitKeys == splitKeys && g.splits == splits;
    });
    if (found == m_graphs.end()) {
        // Capture one step. The work is recorded, not run; kernels read the position from stepPos().
        QE_CUDA_TRY(cudaStreamBeginCapture(m_stream, cudaStreamCaptureModeThreadLocal));
        Status st = enqueueLayers(1, startPos, stepPos(), diag, lmHead, std::stop_token{}, true);
        if (st.ok() && lmHead) st = gemm(m_lmHead, m_config.vocabSize, m_config.hiddenSize, m_normed.get(), 1, m_logits.get());
        cudaGraph_t graph = nullptr;
        const cudaError_t ended = cudaStreamEndCapture(m_stream, &graph);
        if (!st.ok() || ended != cudaSuccess) {
            if (graph) cudaGraphDestroy(graph);
            cudaGetLastError();
            if (!st.ok()) return st;
            return cudaError(ended, "capturing a decode step");
        }
        DecodeGraph made{diag, lmHead, splitKeys, splits, nullptr};
        const cudaError_t instantiated = cudaGraphInstantiate(&made.exec, graph, 0);
        cudaGraphDestroy(graph);
        QE_CUDA_TRY(instantiated);
        if (m_graphs.size() == kMaxDecodeGraphs) {
            cudaGraphExecDestroy(m_graphs.front().exec);
            m_graphs.erase(m_graphs.begin());
        }
        m_graphs.push_back(made);
        found = m_graphs.end() - 1;
    } else if (found != m_graphs.end() - 1) {
        std::rotate(found, found + 1, m_graphs.end());  // most recently used last
        found = m_graphs.end() - 1;
    }
    QE_CUDA_TRY(cudaGraphLaunch(found->exec, m_stream));
    return {};
}

Status CudaBackend::sample(const SampleRequest& request, SampleOutcome& outcome) {
    const SamplingParams& p = request.params;
    outcome = {};
    if (!m_rowKept) return makeError(ErrorCode::Internal, "no logits row kept on the GPU to sample from");
    QE_TRY(validateSampling(p));
    const std::int64_t limit = request.limit > 0 ? std::min(request.limit, m_config.vocabSize) : m_config.vocabSize;
    const std::int64_t alternatives = std::min(std::max<std::int64_t>(request.alternatives, 0), limit);
    if (!sampleFitsDevice(p.greedy ? 0 : p.topK, limit, alternatives)) return {};  // the host decides
    const bool repetition = !p.greedy && p.repetitionPenalty != 1.0f, presence = !p.greedy && p.presencePenalty != 0.0f;
    const std::size_t repetitionCount = repetition ? request.repetitionIds.size() : 0;
    const std::size_t presenceCount = presence ? request.presenceIds.size() : 0;
    if (repetitionCount + presenceCount > m_penaltyIds.count())
        return makeError(ErrorCode::InvalidArgument, "more penalty ids than the context holds");
    QE_CUDA_TRY(cudaSetDevice(m_device));
    if (repetitionCount + presenceCount > 0) {
        m_penaltyHost.assign(request.repetitionIds.begin(), request.repetitionIds.begin() + std::ptrdiff_t(repetitionCount));
        m_penaltyHost.insert(m_penaltyHost.end(), request.presenceIds.begin(),
                             request.presenceIds.begin() + std::ptrdiff_t(presenceCount));
        for (int id : m_penaltyHost)
            if (id < 0 || id >= m_config.vocabSize)
                return makeError(ErrorCode::InvalidArgument, "penalty id " + std::to_string(id) + " is outside the vocabulary");
        // Each list must be distinct (backend.h): the kernel's threads penalise and restore their
        // ids in place, and two threads on one logit would race.
        m_penaltySeen.resize(static_cast<std::size_t>(m_config.vocabSize), 0);
        auto distinct = [&](std::size_t begin, std::size_t end) {
            std::size_t i = begin;
            for (; i < end && !m_penaltySeen[std::size_t(m_penaltyHost[i])]; ++i) m_penaltySeen[std::size_t(m_penaltyHost[i])] = 1;
            for (std::size_t j = begin; j < i; ++j) m_penaltySeen[std::size_t(m_penaltyHost[j])] = 0;
            return i == end;
        };
        if (!distinct(0, repetitionCount) || !distinct(repetitionCount, m_penaltyHost.size()))
            return makeError(ErrorCode::InvalidArgument, "a penalty id list names an id twice");
        QE_CUDA_TRY(cudaMemcpyAsync(m_penaltyIds.get(), m_penaltyHost.data(), m_penaltyHost.size() * sizeof(int),
                                    cudaMemcpyHostToDevice, m_stream));
    }
    SampleArgs a;
    a.logits = m_logits.get();
    a.limit = static_cast<int>(limit);
    a.greedy = p.greedy;
    a.temperature = p.temperature;
    a.topK = static_cast<int>(std::min<std::int64_t>(p.topK, limit));
    a.topP = p.topP;
    a.minP = p.minP;
    a.repetitionPenalty = p.repetitionPenalty;
    a.presencePenalty = p.presencePenalty;
    a.penaltyIds = m_penaltyIds.get();
    a.repetitionCount = static_cast<int>(repetitionCount);
    a.presenceCount = static_cast<int>(presenceCount);
    a.saved = m_penaltySaved.get();
    a.uniform = request.uniform;
    a.alternatives = static_cast<int>(alternatives);
    a.out = m_sampleOut.get();
    QE_CUDA_TRY(launchSample(a, m_stream));
    QE_CUDA_TRY(cudaMemcpyAsync(&m_sampleHost, m_sampleOut.get(), sampleOutputBytes(alternatives), cudaMemcpyDeviceToHost,
                                m_stream));
    QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
    outcome.decided = m_sampleHost.decided != 0;
    outcome.token = m_sampleHost.token;
    outcome.prob = m_sampleHost.prob;
    outcome.alternatives.reserve(static_cast<std::size_t>(m_sampleHost.alternatives));
    for (int i = 0; i < m_sampleHost.alternatives; ++i) outcome.alternatives.push_back({m_sampleHost.alt[i].id, m_sampleHost.alt[i].prob});
    return {};
}

Status CudaBackend::readLogits(std::span<float> out) {
    if (!m_rowKept) return makeError(ErrorCode::Internal, "no logits row kept on the GPU");
    if (out.size() != static_cast<std::size_t>(m_config.vocabSize))
        return makeError(ErrorCode::Internal, "a logits row has " + std::to_string(m_config.vocabSize) + " entries");
    QE_CUDA_TRY(cudaSetDevice(m_device));
    QE_CUDA_TRY(cudaMemcpyAsync(out.data(), m_logits.get(), out.size() * sizeof(float), cudaMemcpyDeviceToHost, m_stream));
    QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
    return {};
}

Status CudaBackend::attentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos, const Diagnostics& diagnostics,
                                 const KvCache& cache, std::vector<float>& out) {
    const ModelConfig& c = m_config;
    QE_TRY(checkAttentionRowRequest(c, layer, head, pos, diagnostics, cache));
    if (pos >= m_keptCapacity)  // Diagnostics' budget and ours are the same; this guards the device buffer
        return makeError(ErrorCode::OutOfMemory, "position " + std::to_string(pos) + " is beyond the diagnostics memory budget");
    QE_CUDA_TRY(cudaSetDevice(m_device));
    const DeviceLayer& w = m_layers[static_cast<std::size_t>(layer)];
    const std::int64_t H = c.hiddenSize, d = c.headDim;
    // x = RMSNorm(h; input_layernorm); q = rows [head·d, head·d + d) of q_proj · x; then q-norm,
    // RoPE and the softmax over keys 0..pos in one kernel.
    QE_CUDA_TRY(launchResidualNorm(const_cast<float*>(keptHidden(pos, layer)), nullptr, w.inputNorm.get(), m_rowNormed.get(),
                                   1, static_cast<int>(H), m_eps, HiddenKeep{}, nullptr, 0, m_stream));
    QE_TRY(gemm(w.qkv.get() + static_cast<std::size_t>(head * d * H), d, H, m_rowNormed.get(), 1, m_rowQ.get()));
    QE_CUDA_TRY(launchAttentionRow(m_rowQ.get(), w.qNorm.get(), m_invFreq.get(), m_ropeScaling, m_eps, keys(layer),
                                   static_cast<int>(c.numKeyValueHeads), static_cast<int>(head / c.groupSize()),
                                   static_cast<int>(d), pos, m_probs.get(), m_stream));
    out.resize(static_cast<std::size_t>(pos + 1));
    QE_CUDA_TRY(cudaMemcpyAsync(out.data(), m_probs.get(), out.size() * sizeof(float), cudaMemcpyDeviceToHost, m_stream));
    QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
    return {};
}

Status CudaBackend::logitLens(std::int64_t layer, std::int64_t pos, const Diagnostics& diagnostics, std::vector<float>& out) {
    const ModelConfig& c = m_config;
    QE_TRY(checkLogitLensRequest(c, layer, pos, diagnostics));
    if (pos >= m_keptCapacity) return makeError(ErrorCode::InvalidArgument, "position " + std::to_string(pos) + " has no kept hidden state");
    QE_CUDA_TRY(cudaSetDevice(m_device));
    QE_CUDA_TRY(launchResidualNorm(const_cast<float*>(keptHidden(pos, layer + 1)), nullptr, m_finalNorm.get(),
                                   m_rowNormed.get(), 1, static_cast<int>(c.hiddenSize), m_eps, HiddenKeep{}, nullptr, 0,
                                   m_stream));
    QE_TRY(gemm(m_lmHead, c.vocabSize, c.hiddenSize, m_rowNormed.get(), 1, m_lensLogits.get()));
    out.resize(static_cast<std::size_t>(c.vocabSize));
    QE_CUDA_TRY(cudaMemcpyAsync(out.data(), m_lensLogits.get(), out.size() * sizeof(float), cudaMemcpyDeviceToHost, m_stream));
    QE_CUDA_TRY(cudaStreamSynchronize(m_stream));
    return {};
}

}  // namespace

void probeDevices(CudaProbe* out) {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        cudaGetLastError();
        out->error = std::string("no usable NVIDIA GPU: ") + cudaGetErrorString(e);
        return;
    }
    if (count == 0) {
        out->error = "no NVIDIA GPU found";
        return;
    }
    for (int i = 0; i < count; ++i) out->devices.push_back(deviceName(i));
}

Result<std::unique_ptr<Backend>> createBackend(const CudaCreateArgs& args) {
    if (!args.weights && !args.syntheticConfig) return makeError(ErrorCode::InvalidArgument, "no weights");
    auto backend = args.weights ? std::make_unique<CudaBackend>(args.weights->config(), args.weights)
                                : std::make_unique<CudaBackend>(*args.syntheticConfig, nullptr);
    Status s = backend->init(args);
    if (!s.ok()) return s.error();
    return std::unique_ptr<Backend>(std::move(backend));
}

namespace {
// The environment switch that makes the backend use the first kernels also keeps the
// measurements off the mma.sync ones (the GPU check sets it when one of them failed its test).
bool skipTensorCoreKernels(const char* variable, std::string_view firstKernels) {
    const char* value = std::getenv(variable);
    return value && value == firstKernels;
}
}  // namespace

Result<CudaCeilings> measureCeilings(int device, std::uint64_t copyBytes, int gemmSize, int gemvRows, int gemvCols,
                                     const CudaAttentionShape& attention) {
    int count = 0;
    if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess || count == 0) {
        cudaGetLastError();
        return makeError(ErrorCode::Device, std::string("no usable NVIDIA GPU: ") + (e != cudaSuccess ? cudaGetErrorString(e) : "none found"));
    }
    if (device < 0 || device >= count) return makeError(ErrorCode::InvalidArgument, "no CUDA device " + std::to_string(device));
    QE_CUDA_TRY(cudaSetDevice(device));
    QE_CUDA_TRY(prepareAttentionKernels());
    CudaCeilings out;
    out.device = deviceName(device);
    out.copyBytes = copyBytes;
    out.gemmSize = gemmSize;
    out.gemvRows = gemvRows;
    out.gemvCols = gemvCols;
    cudaStream_t stream = nullptr;
    cudaEvent_t start = nullptr, stop = nullptr;
    cublasHandle_t blas = nullptr;
    // Released on every path.
    struct Cleanup {
        cudaStream_t& stream;
        cudaEvent_t &start, &stop;
        cublasHandle_t& blas;
        ~Cleanup() {
            if (blas) cublasDestroy(blas);
            if (start) cudaEventDestroy(start);
            if (stop) cudaEventDestroy(stop);
            if (stream) cudaStreamDestroy(stream);
        }
    } cleanup{stream, start, stop, blas};
    QE_CUDA_TRY(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    QE_CUDA_TRY(cudaEventCreate(&start));
    QE_CUDA_TRY(cudaEventCreate(&stop));
    auto timeIt = [&](int repeats, const std::function<Status()>& work, double& seconds) -> Status {
        QE_TRY(work());  // warm-up
        QE_CUDA_TRY(cudaEventRecord(start, stream));
        for (int i = 0; i < repeats; ++i) QE_TRY(work());
        QE_CUDA_TRY(cudaEventRecord(stop, stream));
        QE_CUDA_TRY(cudaEventSynchronize(stop));
        float ms = 0.0f;
        QE_CUDA_TRY(cudaEventElapsedTime(&ms, start, stop));
        seconds = ms * 1e-3 / repeats;
        return {};
    };
    {
        DeviceArray<unsigned char> a, b;
        QE_TRY(a.allocate(copyBytes));
        QE_TRY(b.allocate(copyBytes));
        double seconds = 0.0;
        QE_TRY(timeIt(10, [&]() -> Status {
            QE_CUDA_TRY(cudaMemcpyAsync(b.get(), a.get(), copyBytes, cudaMemcpyDeviceToDevice, stream));
            return {};
        }, seconds));
        out.copyBytesPerSecond = 2.0 * static_cast<double>(copyBytes) / seconds;  // read + written
    }
    {
        const auto n = static_cast<std::size_t>(gemmSize);
        DeviceArray<bf16> a, b;
        DeviceArray<float> c;
        QE_TRY(a.allocate(n * n));
        QE_TRY(b.allocate(n * n));
        QE_TRY(c.allocate(n * n));
        QE_CUDA_TRY(launchFillUniformBf16(a.get(), static_cast<std::int64_t>(n * n), 1, 0.05f, stream));
        QE_CUDA_TRY(launchFillUniformBf16(b.get(), static_cast<std::int64_t>(n * n), 2, 0.05f, stream));
        QE_BLAS_TRY(cublasCreate(&blas));
        QE_BLAS_TRY(cublasSetStream(blas, stream));
        double seconds = 0.0;
        // The backend's case: weights transposed, bf16 in, fp32 out and accumulate.
        QE_TRY(timeIt(10, [&] { return blasProduct(blas, a.get(), gemmSize, gemmSize, b.get(), gemmSize, c.get()); }, seconds));
        out.gemmFlopsPerSecond = 2.0 * double(gemmSize) * gemmSize * gemmSize / seconds;
    }
    {
        // Decode's product (by default Qwen3-32B's down_proj, 5120 × 25600, 262 MB of bf16) times
        // one token, through our GEMV and through cuBLAS, as bytes of matrix read per second.
        const int rows = out.gemvRows, cols = out.gemvCols;
        const auto elements = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
        DeviceArray<bf16> w, x;
        DeviceArray<float> y;
        QE_TRY(w.allocate(elements));
        QE_TRY(x.allocate(static_cast<std::size_t>(cols)));
        QE_TRY(y.allocate(static_cast<std::size_t>(rows)));
        QE_CUDA_TRY(launchFillUniformBf16(w.get(), static_cast<std::int64_t>(elements), 3, 0.05f, stream));
        QE_CUDA_TRY(launchFillUniformBf16(x.get(), cols, 4, 1.0f, stream));
        const double bytes = 2.0 * static_cast<double>(elements);
        double seconds = 0.0;
        QE_TRY(timeIt(20, [&]() -> Status {
            QE_CUDA_TRY(launchGemv(w.get(), x.get(), y.get(), rows, cols, stream));
            return {};
        }, seconds));
        out.gemvBytesPerSecond = bytes / seconds;
        QE_TRY(timeIt(20, [&] { return blasProduct(blas, w.get(), rows, cols, x.get(), 1, y.get()); }, seconds));
        out.cublasGemvBytesPerSecond = bytes / seconds;
    }
    if (attention.tokens > 0) {
        // One causal prefill chunk at position 0 (q as the backend lays it out: a slice of qkv).
        const int T = attention.tokens, Nq = attention.heads, Nkv = attention.kvHeads, d = attention.headDim;
        if (Nq <= 0 || Nkv <= 0 || Nq % Nkv != 0 || !flashAttentionApplies(T, d))
            return makeError(ErrorCode::InvalidArgument, "no tensor-core attention for this shape");
        const int qkvWidth = (Nq + 2 * Nkv) * d;
        DeviceArray<float> qkv;
        DeviceArray<bf16> k, v, o;
        QE_TRY(qkv.allocate(static_cast<std::size_t>(T) * qkvWidth));
        QE_TRY(k.allocate(static_cast<std::size_t>(T) * Nkv * d));
        QE_TRY(v.allocate(static_cast<std::size_t>(T) * Nkv * d));
        QE_TRY(o.allocate(static_cast<std::size_t>(T) * Nq * d));
        QE_CUDA_TRY(launchFillUniformF32(qkv.get(), static_cast<std::int64_t>(T) * qkvWidth, 5, 0.5f, stream));
        QE_CUDA_TRY(launchFillUniformBf16(k.get(), static_cast<std::int64_t>(T) * Nkv * d, 6, 1.0f, stream));
        QE_CUDA_TRY(launchFillUniformBf16(v.get(), static_cast<std::int64_t>(T) * Nkv * d, 7, 1.0f, stream));
        const double flops = 4.0 * d * Nq * (double(T) * (T + 1) / 2);
        for (const FlashKernel kernel : {FlashKernel::Pipelined, FlashKernel::Wmma, FlashKernel::PipelinedBf16Q}) {
            if (kernel == FlashKernel::PipelinedBf16Q && flashPaddedDim(d) != 128) continue;
            if (kernel != FlashKernel::Wmma && skipTensorCoreKernels("QE_CUDA_ATTENTION", "wmma")) continue;
            double seconds = 0.0;
            QE_TRY(timeIt(5, [&]() -> Status {
                QE_CUDA_TRY(launchFlashAttention(qkv.get(), qkvWidth, k.get(), v.get(), o.get(), T, 0, Nq, Nkv, d, nullptr, nullptr,
                                                 0, stream, kernel));
                return {};
            }, seconds));
            (kernel == FlashKernel::Pipelined ? out.attentionFlopsPerSecond
             : kernel == FlashKernel::Wmma    ? out.wmmaAttentionFlopsPerSecond
                                              : out.bf16QAttentionFlopsPerSecond) = flops / seconds;
        }
    }
    if (attention.decodeKeys > 0) {
        // One decode token over decodeKeys cached positions: the backend's split and merge.
        const int Nq = attention.heads, Nkv = attention.kvHeads, d = attention.headDim;
        const std::int64_t keys = attention.decodeKeys, pos = keys - 1;
        if (Nq <= 0 || Nkv <= 0 || Nq % Nkv != 0 || d > kMaxHeadDim || d % 2 != 0)
            return makeError(ErrorCode::InvalidArgument, "no decode attention for this shape");
        const std::int64_t splitKeys = decodeSplitKeys(keys), splits = decodeSplits(keys, splitKeys);
        const auto cacheElements = static_cast<std::size_t>(keys) * Nkv * d;
        DeviceArray<float> q, partial;
        DeviceArray<bf16> k, v, o;
        QE_TRY(q.allocate(static_cast<std::size_t>(Nq) * d));
        QE_TRY(partial.allocate(static_cast<std::size_t>(Nq * splits * decodePartialFloats(d))));
        QE_TRY(k.allocate(cacheElements));
        QE_TRY(v.allocate(cacheElements));
        QE_TRY(o.allocate(static_cast<std::size_t>(Nq) * d));
        QE_CUDA_TRY(launchFillUniformF32(q.get(), static_cast<std::int64_t>(Nq) * d, 8, 0.1f, stream));
        QE_CUDA_TRY(launchFillUniformBf16(k.get(), static_cast<std::int64_t>(cacheElements), 9, 1.0f, stream));
        QE_CUDA_TRY(launchFillUniformBf16(v.get(), static_cast<std::int64_t>(cacheElements), 10, 1.0f, stream));
        const double bytes = 2.0 * 2.0 * static_cast<double>(cacheElements);  // K and V, bf16
        for (const DecodeKernel kernel : {DecodeKernel::TensorCores, DecodeKernel::Warps}) {
            if (kernel == DecodeKernel::TensorCores && skipTensorCoreKernels("QE_CUDA_DECODE_ATTENTION", "warps")) continue;
            double seconds = 0.0;
            QE_TRY(timeIt(20, [&]() -> Status {
                QE_CUDA_TRY(launchAttentionSplit(q.get(), k.get(), v.get(), partial.get(), pos, Nq, Nkv, d, static_cast<int>(splitKeys),
                                                 stream, nullptr, kernel));
                QE_CUDA_TRY(launchAttentionMerge(partial.get(), o.get(), pos, Nq, d, static_cast<int>(splitKeys), nullptr, nullptr,
                                                 stream));
                return {};
            }, seconds));
            (kernel == DecodeKernel::TensorCores ? out.decodeAttentionBytesPerSecond : out.warpsDecodeAttentionBytesPerSecond) =
                bytes / seconds;
        }
    }
    return out;
}

}  // namespace qe::cuda
