// Errors as values for the core API (style.md §6): qe::Error, qe::Result<T>, qe::Status.
// Nothing in core throws across its API; callers check results and propagate with QE_TRY.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace qe {

enum class ErrorCode { InvalidArgument, NotFound, Corrupt, Unsupported, OutOfMemory, Device, Cancelled, Internal };

const char* errorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // what failed, where, expected versus actual
    std::string context;  // optional: file, tensor or key the message is about

    // "context: message" (or just the message), one line for logs and the CLI.
    std::string text() const { return context.empty() ? message : context + ": " + message; }
};

inline Error makeError(ErrorCode code, std::string message, std::string context = {}) {
    return Error{code, std::move(message), std::move(context)};
}

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::move(value)) {}        // NOLINT: implicit by design
    Result(Error error) : m_v(std::move(error)) {}     // NOLINT
    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { assert(ok()); return std::get<0>(m_v); }
    const T& value() const& { assert(ok()); return std::get<0>(m_v); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const Error& error() const { assert(!ok()); return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)), m_failed(true) {}  // NOLINT
    static Status success() { return {}; }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { assert(m_failed); return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

}  // namespace qe

#define QE_CONCAT_INNER(a, b) a##b
#define QE_CONCAT(a, b) QE_CONCAT_INNER(a, b)

// Propagates a failed Status or Result<T> from an expression to the caller.
#define QE_TRY(expr)                                                    \
    do {                                                                \
        auto&& qe_try_result_ = (expr);                                 \
        if (!qe_try_result_.ok()) return qe_try_result_.error();        \
    } while (0)

// `QE_ASSIGN_OR_RETURN(auto x, makeX());` binds the value or returns the error.
#define QE_ASSIGN_OR_RETURN(decl, expr) QE_ASSIGN_OR_RETURN_IMPL(QE_CONCAT(qe_res_, __LINE__), decl, expr)
#define QE_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
    auto tmp = (expr);                            \
    if (!tmp.ok()) return tmp.error();            \
    decl = std::move(tmp).value()
