// SAX reader for tokenizer.json (see tokenizer_json_reader.h). A DOM of the 151k-entry vocab and
// merges costs most of the load time; streaming them into vectors makes loading several times faster.
#include "core/tokenizer/tokenizer_json_reader.h"

#include "core/tokenizer/utf8.h"

namespace qe::detail {
namespace {

using Json = nlohmann::json;

class Reader : public nlohmann::json_sax<Json> {
public:
    explicit Reader(TokenizerJson& out) : m_out(out) {}

    std::string error;  // set when the reader itself stopped the parse

    bool null() override { return value(Json()); }
    bool boolean(bool v) override { return value(Json(v)); }
    bool number_integer(number_integer_t v) override { return vocabId(v) && (m_mode == Mode::Vocab || value(Json(v))); }
    bool number_unsigned(number_unsigned_t v) override {
        if (m_mode == Mode::Vocab) return vocabId(v > static_cast<number_unsigned_t>(INT64_MAX) ? -1 : static_cast<long long>(v));
        return value(Json(v));
    }
    bool number_float(number_float_t v, const string_t&) override { return value(Json(v)); }
    bool binary(binary_t&) override { return fail("unexpected binary value"); }

    bool string(string_t& v) override {
        if (m_mode == Mode::Merges) return mergeString(v);
        if (m_mode == Mode::MergePair) {
            if (m_pair.size() >= 2) return badMerge();
            m_pair.push_back(std::move(v));
            return true;
        }
        return value(Json(std::move(v)));
    }

    bool start_object(std::size_t) override {
        if (m_mode != Mode::Dom) return m_mode == Mode::Vocab ? badVocab() : badMerge();
        if (atModelKey("vocab")) {
            if (!value(Json::object())) return false;  // placeholder; the entries live in m_out.vocab
            m_mode = Mode::Vocab;
            m_out.haveVocab = true;
            m_out.vocab.clear();
            return true;
        }
        Json* v = value(Json::object()) ? m_last : nullptr;
        m_stack.push_back(v);
        m_keys.emplace_back();
        return true;
    }
    bool key(string_t& k) override {
        if (m_mode == Mode::Vocab) {
            m_key = std::move(k);
            return true;
        }
        m_keys.back() = k;
        m_element = &(*m_stack.back())[k];
        return true;
    }
    bool end_object() override {
        if (m_mode == Mode::Vocab) {
            m_mode = Mode::Dom;
            return true;
        }
        m_stack.pop_back();
        m_keys.pop_back();
        return true;
    }

    bool start_array(std::size_t) override {
        if (m_mode == Mode::Vocab) return badVocab();
        if (m_mode == Mode::Merges) {
            m_mode = Mode::MergePair;
            m_pair.clear();
            return true;
        }
        if (m_mode == Mode::MergePair) return badMerge();
        if (atModelKey("merges")) {
            if (!value(Json::array())) return false;  // placeholder; the entries live in m_out.merges
            m_mode = Mode::Merges;
            m_out.haveMerges = true;
            m_out.merges.clear();
            return true;
        }
        Json* v = value(Json::array()) ? m_last : nullptr;
        m_stack.push_back(v);
        m_keys.emplace_back();
        return true;
    }
    bool end_array() override {
        if (m_mode == Mode::MergePair) {
            if (m_pair.size() != 2) return badMerge();
            m_out.merges.emplace_back(std::move(m_pair[0]), std::move(m_pair[1]));
            m_mode = Mode::Merges;
            return true;
        }
        if (m_mode == Mode::Merges) {
            m_mode = Mode::Dom;
            return true;
        }
        m_stack.pop_back();
        m_keys.pop_back();
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
        if (error.empty()) error = "not valid JSON (byte " + std::to_string(position) + "): " + utf8Lossy(ex.what());
        return false;
    }

private:
    enum class Mode { Dom, Vocab, Merges, MergePair };

    // True when the value about to start is root["model"][name].
    bool atModelKey(const char* name) const {
        return m_stack.size() == 2 && m_keys.size() == 2 && m_keys[0] == "model" && m_keys[1] == name;
    }

    bool value(Json v) {
        if (m_mode == Mode::Vocab) return badVocab();
        if (m_mode != Mode::Dom) return badMerge();
        if (m_stack.empty()) {
            m_out.document = std::move(v);
            m_last = &m_out.document;
        } else if (m_stack.back()->is_array()) {
            m_stack.back()->push_back(std::move(v));
            m_last = &m_stack.back()->back();
        } else {
            *m_element = std::move(v);
            m_last = m_element;
        }
        return true;
    }

    bool vocabId(long long id) {
        if (m_mode != Mode::Vocab) return true;
        m_out.vocab.emplace_back(std::move(m_key), id);
        return true;
    }

    bool mergeString(const std::string& text) {
        auto space = text.find(' ');
        if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos)
            return fail("model.merges[" + std::to_string(m_out.merges.size()) + "] = \"" + utf8Lossy(text) +
                        "\" is not two tokens separated by one space");
        m_out.merges.emplace_back(text.substr(0, space), text.substr(space + 1));
        return true;
    }

    bool badVocab() { return fail("model.vocab[\"" + utf8Lossy(m_key) + "\"] is not an integer id"); }
    bool badMerge() {
        return fail("model.merges[" + std::to_string(m_out.merges.size()) + "] is neither \"a b\" nor [\"a\", \"b\"]");
    }
    bool fail(std::string message) {
        if (error.empty()) error = std::move(message);
        return false;
    }

    TokenizerJson& m_out;
    Mode m_mode = Mode::Dom;
    std::vector<Json*> m_stack;          // open containers of the DOM part
    std::vector<std::string> m_keys;     // per open container: the key being filled (objects)
    Json* m_element = nullptr;           // object member the next value goes to
    Json* m_last = nullptr;              // the value just added
    std::string m_key;                   // vocab: current token
    std::vector<std::string> m_pair;     // merges: the ["a", "b"] being read
};

}  // namespace

Result<TokenizerJson> readTokenizerJson(std::string_view text, const std::string& origin) {
    TokenizerJson out;
    Reader reader(out);
    bool ok = false;
    try {  // sax_parse reports through parse_error; catch anything else locally (style §6)
        ok = Json::sax_parse(text, &reader, Json::input_format_t::json, /*strict=*/true);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Corrupt, std::string("cannot parse: ") + utf8Lossy(e.what()), origin);
    }
    if (!ok) return makeError(ErrorCode::Corrupt, reader.error.empty() ? "not valid JSON" : reader.error, origin);
    return out;
}

}  // namespace qe::detail
