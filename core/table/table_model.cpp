#include "table/table_model.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/error.h"
#include "common/regular_file.h"

namespace dlab {

namespace {

using Json = nlohmann::json;

constexpr int kFormatVersion = 1;
constexpr double kSumTolerance = 1e-6;
constexpr long long kMaxContext = 1 << 20;
constexpr size_t kSymbolsListed = 20;  // symbols named in an "unknown symbol" message

const std::vector<std::string>& known_keys() {
    static const std::vector<std::string> keys = {"format",  "version",  "name",      "description",
                                                  "symbols", "eos",      "separator", "context_length",
                                                  "next",    "fallback", "embeddings"};
    return keys;
}

// The path of a member inside an object at `parent`: next, next['A B'], next['A B']['C'].
std::string member_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "['" + key + "']";
}

std::string number_text(double value) {
    std::ostringstream out;
    out << std::setprecision(10) << value;
    return out.str();
}

bool has_whitespace(const std::string& text) {
    for (unsigned char c : text)
        if (std::isspace(c)) return true;
    return false;
}

// Reads and validates one table file; every problem becomes FormatError "PATH: WHERE: WHAT".
class TableReader {
public:
    explicit TableReader(std::string path) : m_path(std::move(path)) {}

    TableModel read() {
        const Json root = parse();
        TableModel model;
        model.path = m_path;
        read_header(root, model);
        read_symbols(root, model);
        read_next(root, model);
        read_embeddings(root, model);
        return model;
    }

private:
    [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
        throw FormatError(m_path + ": " + (where.empty() ? "" : where + ": ") + problem);
    }

    // parse, noting the first duplicate key (the JSON library keeps only the last one)
    Json parse() {
        require_regular_file(m_path);
        std::ifstream in(m_path, std::ios::binary);
        if (!in) throw Error(m_path + ": cannot open: " + std::strerror(errno));

        struct Frame {
            bool is_object;
            std::string path;
            std::set<std::string> keys;
            std::string last_key;
        };
        std::vector<Frame> frames;  // [nesting depth] open objects and arrays
        std::string duplicate;      // "WHERE: duplicate key 'K'" of the first duplicate
        auto callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
            switch (event) {
                case Json::parse_event_t::object_start:
                case Json::parse_event_t::array_start: {
                    std::string path;
                    if (!frames.empty())
                        path = frames.back().is_object
                                   ? member_path(frames.back().path, frames.back().last_key)
                                   : frames.back().path + "[]";
                    frames.push_back({event == Json::parse_event_t::object_start, path, {}, {}});
                    break;
                }
                case Json::parse_event_t::object_end:
                case Json::parse_event_t::array_end:
                    frames.pop_back();
                    break;
                case Json::parse_event_t::key: {
                    const std::string key = parsed.get<std::string>();
                    Frame& frame = frames.back();
                    if (!frame.keys.insert(key).second && duplicate.empty())
                        duplicate =
                            (frame.path.empty() ? "" : frame.path + ": ") + "duplicate key '" + key + "'";
                    frame.last_key = key;
                    break;
                }
                case Json::parse_event_t::value:
                    break;
            }
            return true;
        };

        Json root;
        try {
            root = Json::parse(in, callback);
        } catch (const Json::parse_error& e) {
            // what() is "[json.exception.parse_error.101] parse error at line L, column C: …"
            std::string message = e.what();
            const size_t at = message.find("parse error");
            fail("", "invalid JSON: " + (at == std::string::npos ? message : message.substr(at)));
        }
        if (!duplicate.empty()) fail("", duplicate + " (the later one would silently win)");
        if (!root.is_object()) fail("", "expected a JSON object, got " + std::string(root.type_name()));
        return root;
    }

    // format, version, unknown keys, name, description, separator, context_length
    void read_header(const Json& root, TableModel& model) const {
        const auto format = root.find("format");
        if (format == root.end() || !format->is_string() || format->get<std::string>() != "decodelab-table")
            fail("format", "expected \"format\": \"decodelab-table\" (is this a DecodeLab table?)");
        const auto version = root.find("version");
        if (version == root.end() || !version->is_number_integer() || version->get<long long>() < 1)
            fail("version", "expected \"version\": " + std::to_string(kFormatVersion));
        if (version->get<long long>() > kFormatVersion)
            throw UnsupportedError(m_path + ": version: " + std::to_string(version->get<long long>()) +
                                   " is newer than this DecodeLab reads (" + std::to_string(kFormatVersion) +
                                   ")");

        for (const auto& [key, value] : root.items()) {
            (void)value;
            bool known = false;
            for (const std::string& k : known_keys()) known = known || k == key;
            if (!known) {
                std::string list;
                for (const std::string& k : known_keys()) list += (list.empty() ? "" : ", ") + k;
                fail("", "unknown key '" + key + "' (known: " + list + ")");
            }
        }

        model.name = optional_string(root, "name", std::filesystem::path(m_path).stem().string());
        model.description = optional_string(root, "description", "");
        model.separator = optional_string(root, "separator", "");
        const auto context = root.find("context_length");
        if (context != root.end()) {
            if (!context->is_number_integer() || context->get<long long>() < 1 ||
                context->get<long long>() > kMaxContext)
                fail("context_length", "expected an integer from 1 to " + std::to_string(kMaxContext) +
                                           ", got " + context->dump());
            model.context_length = context->get<int>();
        }
    }

    std::string optional_string(const Json& root, const char* key, const std::string& fallback) const {
        const auto it = root.find(key);
        if (it == root.end()) return fallback;
        if (!it->is_string()) fail(key, "expected a string, got " + std::string(it->type_name()));
        return it->get<std::string>();
    }

    // symbols and eos
    void read_symbols(const Json& root, TableModel& model) {
        const auto symbols = root.find("symbols");
        if (symbols == root.end())
            fail("", "missing \"symbols\" (the vocabulary, e.g. [\"A\", \"B\", \"<eos>\"])");
        if (!symbols->is_array() || symbols->empty())
            fail("symbols", "expected a non-empty array of strings");
        for (size_t i = 0; i < symbols->size(); ++i) {
            const Json& entry = (*symbols)[i];
            const std::string where = "symbols[" + std::to_string(i) + "]";
            if (!entry.is_string()) fail(where, "expected a string, got " + std::string(entry.type_name()));
            const std::string symbol = entry.get<std::string>();
            if (symbol.empty()) fail(where, "empty symbol");
            if (has_whitespace(symbol))
                fail(where, "'" + symbol +
                                "' contains whitespace (prompts and contexts separate symbols by spaces)");
            if (!m_ids.emplace(symbol, static_cast<int>(model.symbols.size())).second)
                fail(where, "duplicate symbol '" + symbol + "'");
            model.symbols.push_back(symbol);
        }

        // eos: given, else "<eos>" when it is a symbol, else none
        const auto eos = root.find("eos");
        if (eos == root.end()) {
            const auto it = m_ids.find("<eos>");
            model.eos_id = it == m_ids.end() ? -1 : it->second;
        } else {
            if (!eos->is_string()) fail("eos", "expected a string, got " + std::string(eos->type_name()));
            const auto it = m_ids.find(eos->get<std::string>());
            if (it == m_ids.end()) fail("eos", "'" + eos->get<std::string>() + "' is not one of the symbols");
            model.eos_id = it->second;
        }
    }

    // next and fallback
    void read_next(const Json& root, TableModel& model) const {
        const auto next = root.find("next");
        if (next != root.end()) {
            if (!next->is_object()) fail("next", "expected an object of context: distribution");
            for (const auto& [context, distribution] : next->items()) {
                const std::string where = member_path("next", context);
                check_context(where, context);
                model.next[context] = read_distribution(where, distribution, model);
            }
        }
        const auto fallback = root.find("fallback");
        if (fallback != root.end()) {
            if (model.next.count("")) fail("fallback", "next[''] is given too; keep one of them");
            model.next[""] = read_distribution("fallback", *fallback, model);
        }
        if (!model.next.count(""))
            fail("next",
                 "no '' entry and no \"fallback\": a context that matches no key would have no distribution");
    }

    // a context is "" or symbols separated by single spaces
    void check_context(const std::string& where, const std::string& context) const {
        if (context.empty()) return;
        size_t start = 0;
        while (true) {
            const size_t end = context.find(' ', start);
            const std::string symbol =
                context.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (symbol.empty() || has_whitespace(symbol))
                fail(where, "a context is symbols separated by single spaces");
            if (!m_ids.count(symbol)) fail(where, "unknown symbol '" + symbol + "' in the context");
            if (end == std::string::npos) return;
            start = end + 1;
        }
    }

    // {symbol: probability}, non-negative and summing to 1 within kSumTolerance
    std::vector<float> read_distribution(const std::string& where, const Json& entry,
                                         const TableModel& model) const {
        if (!entry.is_object())
            fail(where, "expected an object of symbol: probability, got " + std::string(entry.type_name()));
        std::vector<double> probs(model.symbols.size(), 0.0);  // [vocab]
        double sum = 0.0;
        for (const auto& [symbol, value] : entry.items()) {
            const auto id = m_ids.find(symbol);
            if (id == m_ids.end()) fail(where, "unknown symbol '" + symbol + "'");
            const std::string at = member_path(where, symbol);
            if (!value.is_number()) fail(at, "expected a number, got " + std::string(value.type_name()));
            const double p = value.get<double>();
            if (!std::isfinite(p)) fail(at, "probability " + value.dump() + " is not finite");
            if (p < 0.0) fail(at, "negative probability " + value.dump());
            probs[id->second] = p;
            sum += p;
        }
        if (std::abs(sum - 1.0) > kSumTolerance)
            fail(where, "probabilities sum to " + number_text(sum) + ", not 1 (tolerance 1e-6)");

        // renormalize away the rounding the tolerance allowed
        std::vector<float> out(probs.size());  // [vocab]
        for (size_t i = 0; i < probs.size(); ++i) out[i] = static_cast<float>(probs[i] / sum);
        return out;
    }

    // embeddings: a vector per symbol, all of one size, none all zeros; one-hot by default
    void read_embeddings(const Json& root, TableModel& model) const {
        const int n_vocab = static_cast<int>(model.symbols.size());
        const auto embeddings = root.find("embeddings");
        if (embeddings == root.end()) {
            model.embeddings = RowMatrix::Identity(n_vocab, n_vocab);
            return;
        }
        if (!embeddings->is_object()) fail("embeddings", "expected an object of symbol: [numbers]");

        for (const auto& [symbol, vector] : embeddings->items()) {
            (void)vector;
            if (!m_ids.count(symbol)) fail("embeddings", "unknown symbol '" + symbol + "'");
        }
        for (int i = 0; i < n_vocab; ++i) {
            const std::string& symbol = model.symbols[i];
            const auto vector = embeddings->find(symbol);
            if (vector == embeddings->end())
                fail("embeddings", "no vector for symbol '" + symbol + "' (every symbol needs one)");
            const std::string where = member_path("embeddings", symbol);
            if (!vector->is_array() || vector->empty()) fail(where, "expected a non-empty array of numbers");
            // the first symbol's vector sets the dimension
            if (i == 0)
                model.embeddings = RowMatrix::Zero(n_vocab, static_cast<Eigen::Index>(vector->size()));
            if (static_cast<Eigen::Index>(vector->size()) != model.embeddings.cols())
                fail(where, std::to_string(vector->size()) + " numbers, expected " +
                                std::to_string(model.embeddings.cols()) + " like " +
                                member_path("embeddings", model.symbols[0]));
            double norm = 0.0;
            for (size_t k = 0; k < vector->size(); ++k) {
                const Json& x = (*vector)[k];
                const std::string at = where + "[" + std::to_string(k) + "]";
                if (!x.is_number()) fail(at, "expected a number, got " + std::string(x.type_name()));
                const double value = x.get<double>();
                if (!std::isfinite(value)) fail(at, "not a finite number");
                model.embeddings(i, static_cast<Eigen::Index>(k)) = static_cast<float>(value);
                norm += value * value;
            }
            if (norm == 0.0) fail(where, "all zeros (cosine similarity needs a non-zero vector)");
        }
    }

    std::string m_path;
    std::unordered_map<std::string, int> m_ids;  // symbol → id
};

}  // namespace

ModelConfig TableModel::config() const {
    // A table has no layers; one head spanning the embedding keeps head_dim() = dim.
    ModelConfig c;
    c.architecture = "table";
    c.name = name;
    c.dim = static_cast<int>(embeddings.cols());
    c.hidden_dim = 0;
    c.n_layers = 0;
    c.n_heads = 1;
    c.n_kv_heads = 1;
    c.vocab_size = static_cast<int>(symbols.size());
    c.context_length = context_length;
    return c;
}

TableModel load_table_model(const std::string& path) { return TableReader(path).read(); }

std::vector<int> TableCodec::encode_prompt(const std::string& text) const {
    std::vector<int> ids;
    std::istringstream in(text);
    std::string piece;
    while (in >> piece) {
        int id = -1;
        for (size_t i = 0; i < m_model.symbols.size() && id < 0; ++i)
            if (m_model.symbols[i] == piece) id = static_cast<int>(i);
        if (id < 0) {
            std::string list;
            for (size_t i = 0; i < m_model.symbols.size() && i < kSymbolsListed; ++i)
                list += (i ? ", " : "") + m_model.symbols[i];
            if (m_model.symbols.size() > kSymbolsListed) list += ", …";
            throw InvalidArgument("prompt: unknown symbol '" + piece + "' (symbols: " + list + ")");
        }
        ids.push_back(id);
    }
    return ids;
}

std::string TableCodec::piece(int prev, int token) const {
    if (token < 0 || token >= vocab_size())
        throw InvalidArgument("piece: token id " + std::to_string(token) + " is outside the vocabulary of " +
                              std::to_string(vocab_size()) + " symbols");
    if (token == m_model.eos_id) return "";
    return (prev >= 0 ? m_model.separator : std::string()) + m_model.symbols[token];
}

}  // namespace dlab
