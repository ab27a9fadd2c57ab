#include "core/backend.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "core/backend_plugin.h"
#include "core/log.h"

namespace qe {

const char* backendKindName(BackendKind kind) {
    switch (kind) {
    case BackendKind::Auto: return "auto";
    case BackendKind::Cpu: return "cpu";
    case BackendKind::Cuda: return "cuda";
    }
    return "unknown";
}

Result<BackendKind> parseBackendKind(const std::string& name) {
    for (BackendKind kind : {BackendKind::Auto, BackendKind::Cpu, BackendKind::Cuda})
        if (name == backendKindName(kind)) return kind;
    return makeError(ErrorCode::InvalidArgument, "unknown backend '" + name + "' (expected auto, cpu or cuda)");
}

Status checkAttentionRowRequest(const ModelConfig& c, std::int64_t layer, std::int64_t head, std::int64_t pos,
                                const Diagnostics& diagnostics, const KvCache& cache) {
    if (layer < 0 || layer >= c.numHiddenLayers || head < 0 || head >= c.numAttentionHeads)
        return makeError(ErrorCode::InvalidArgument, "no attention head " + std::to_string(layer) + ":" + std::to_string(head));
    if (pos < 0 || pos >= cache.length())
        return makeError(ErrorCode::InvalidArgument, "position " + std::to_string(pos) + " is not in the context");
    if (!diagnostics.keepsHidden(pos))
        return makeError(ErrorCode::OutOfMemory, "position " + std::to_string(pos) + " is beyond the diagnostics memory budget");
    return {};
}

Status checkLogitLensRequest(const ModelConfig& c, std::int64_t layer, std::int64_t pos, const Diagnostics& diagnostics) {
    if (layer < 0 || layer >= c.numHiddenLayers) return makeError(ErrorCode::InvalidArgument, "no layer " + std::to_string(layer));
    if (pos < 0 || !diagnostics.keepsHidden(pos) || pos >= diagnostics.positions())
        return makeError(ErrorCode::InvalidArgument, "position " + std::to_string(pos) + " has no kept hidden state");
    return {};
}

namespace {

struct CudaLibrary {
    void* handle = nullptr;
    QeCudaProbeFn probe = nullptr;
    QeCudaCreateFn create = nullptr;
    QeCudaCeilingsFn ceilings = nullptr;
    std::string error;  // why it is not there
};

std::vector<std::string> candidatePaths() {
    std::vector<std::string> paths;
    if (const char* env = std::getenv("QE_CUDA_BACKEND"); env && *env) paths.emplace_back(env);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto dir = exe.parent_path();
        paths.push_back((dir / "libqe_cuda.so").string());
        paths.push_back((dir / "../lib/qwen-explorer/libqe_cuda.so").lexically_normal().string());
    }
#ifdef QE_CUDA_BUILD_PATH
    paths.emplace_back(QE_CUDA_BUILD_PATH);  // the build tree's copy, for tests and uninstalled runs
#endif
    return paths;
}

// The plugin maps cuBLAS, about 160 MB of resident pages once loaded. Without the NVIDIA driver's
// library there is no GPU to find, so the plugin is not loaded at all (the CPU engine keeps that
// memory). The driver stays loaded when present: the plugin's CUDA runtime opens it next.
bool nvidiaDriverPresent() {
    static const bool present = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL) != nullptr;
    return present;
}

const CudaLibrary& cudaLibrary() {
    static CudaLibrary library;
    static std::once_flag once;
    std::call_once(once, [] {
        const char* override = std::getenv("QE_CUDA_BACKEND");  // a chosen library (the emulator) needs no driver
        for (const std::string& path : candidatePaths()) {
            if (!std::filesystem::exists(path)) continue;
            if ((!override || path != override) && !nvidiaDriverPresent()) {
                library.error = kNoNvidiaDriverNote;
                return;
            }
            void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!handle) {
                // Present but unusable, typically libcublas missing: say so, do not look further.
                const char* why = dlerror();
                library.error = "cannot load " + path + ": " + (why ? why : "unknown error");
                return;
            }
            auto abi = reinterpret_cast<QeCudaAbiFn>(dlsym(handle, QE_CUDA_ABI_SYMBOL));
            auto probe = reinterpret_cast<QeCudaProbeFn>(dlsym(handle, QE_CUDA_PROBE_SYMBOL));
            auto create = reinterpret_cast<QeCudaCreateFn>(dlsym(handle, QE_CUDA_CREATE_SYMBOL));
            auto ceilings = reinterpret_cast<QeCudaCeilingsFn>(dlsym(handle, QE_CUDA_CEILINGS_SYMBOL));
            if (!abi || !probe || !create || !ceilings || abi() != kCudaPluginAbi) {
                library.error = path + " is not a CUDA backend of this version of Qwen Explorer";
                dlclose(handle);
                return;
            }
            library = {handle, probe, create, ceilings, {}};
            log()->info("CUDA backend library: {}", path);
            return;
        }
        library.error = kNoCudaBackendNote;
    });
    return library;
}

}  // namespace

std::string shorterContextNote(std::int64_t held, std::int64_t limit) {
    return "the GPU holds " + std::to_string(held) + " of the model's " + std::to_string(limit) + " context positions";
}

CudaProbe probeCuda() {
    CudaProbe probe;
    const CudaLibrary& library = cudaLibrary();
    if (!library.handle) {
        probe.error = library.error;
        return probe;
    }
    probe.libraryFound = true;
    library.probe(&probe);
    return probe;
}

Result<std::unique_ptr<Backend>> createCudaBackend(const Weights& weights, const CudaBackendOptions& options,
                                                   std::stop_token stop,
                                                   const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
    const CudaLibrary& library = cudaLibrary();
    if (!library.handle) return makeError(ErrorCode::Device, library.error);
    CudaCreateArgs args;
    args.weights = &weights;
    args.options = options;
    args.stop = std::move(stop);
    args.progress = progress;
    Result<std::unique_ptr<Backend>> out = makeError(ErrorCode::Internal, "the CUDA backend returned nothing");
    library.create(&args, &out);
    return out;
}

Result<std::unique_ptr<Backend>> createSyntheticCudaBackend(const ModelConfig& config, const CudaBackendOptions& options,
                                                            std::uint64_t seed) {
    const CudaLibrary& library = cudaLibrary();
    if (!library.handle) return makeError(ErrorCode::Device, library.error);
    CudaCreateArgs args;
    args.syntheticConfig = &config;
    args.syntheticSeed = seed;
    args.options = options;
    Result<std::unique_ptr<Backend>> out = makeError(ErrorCode::Internal, "the CUDA backend returned nothing");
    library.create(&args, &out);
    return out;
}

Result<CudaCeilings> measureCudaCeilings(int device, std::uint64_t copyBytes, int gemmSize, int gemvRows, int gemvCols,
                                         const CudaAttentionShape& attention) {
    const CudaLibrary& library = cudaLibrary();
    if (!library.handle) return makeError(ErrorCode::Device, library.error);
    Result<CudaCeilings> out = makeError(ErrorCode::Internal, "the CUDA backend returned nothing");
    library.ceilings(device, copyBytes, gemmSize, gemvRows, gemvCols, &attention, &out);
    return out;
}

}  // namespace qe
