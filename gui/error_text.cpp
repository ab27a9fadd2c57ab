// ErrorText: one sentence per error code.
#include "gui/error_text.h"

namespace qe::gui {

QString ErrorText::loadFailed(ErrorCode code) {
    switch (code) {
    case ErrorCode::InvalidArgument: return tr("The model could not be loaded: a setting or file is invalid.");
    case ErrorCode::NotFound: return tr("The model could not be loaded: a file it needs is missing.");
    case ErrorCode::Corrupt: return tr("The model could not be loaded: a file is damaged or incomplete.");
    case ErrorCode::Unsupported: return tr("This model is not supported: Qwen Explorer runs dense Qwen3 models.");
    case ErrorCode::OutOfMemory: return tr("There is not enough memory to load this model.");
    case ErrorCode::Device: return tr("The GPU could not be used. Choose CPU as the backend and load the model again.");
    case ErrorCode::Cancelled: return tr("Loading was cancelled; no model is loaded.");
    case ErrorCode::Internal: break;
    }
    return tr("The model could not be loaded because of an internal error.");
}

QString ErrorText::generationFailed(ErrorCode code) {
    switch (code) {
    case ErrorCode::InvalidArgument: return tr("The reply could not be generated: the request was invalid.");
    case ErrorCode::OutOfMemory: return tr("The reply stopped: there is not enough memory.");
    case ErrorCode::Device:
        return tr("The reply stopped: the GPU reported an error. Choose CPU as the backend and load the model again to go on.");
    case ErrorCode::Cancelled: return tr("The reply was stopped.");
    case ErrorCode::NotFound:
    case ErrorCode::Corrupt:
    case ErrorCode::Unsupported:
    case ErrorCode::Internal: break;
    }
    return tr("The reply stopped because of an internal error.");
}

}  // namespace qe::gui
