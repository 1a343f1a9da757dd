// Internals of the JSON Lines trace shared by its source files: jsonl_values.cpp (the
// encoders and the checked reader of single values), jsonl.cpp (lines, files, the run,
// phase and step events), jsonl_kv.cpp (the KV cache events), jsonl_tile.cpp (the
// attention tile events) and jsonl_spec.cpp (the speculative sampling events). Not part of
// the library's interface: include trace/jsonl.h instead.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "trace/events.h"

namespace dlab::jsonl {

// ordered_json: keys stay in the order they are put, which the format fixes.
using Json = nlohmann::ordered_json;

// ---- writing (jsonl_values.cpp) ----

// Whether `text` is well-formed UTF-8 (Unicode table 3-7).
bool is_utf8(std::string_view text);

// A double, with NaN and infinities as the strings "nan", "inf", "-inf".
Json double_value(double value);
// A float as its shortest round-trip decimal, non-finite ones as double_value writes them.
Json float_value(float value);
// UTF-8 as a plain string, anything else as {"text": shown, "hex": exact bytes}.
Json text_value(const std::string& text);

// ---- reading (jsonl_values.cpp) ----

// "SOURCE:LINE: ", how every FormatError of a line begins.
std::string line_prefix(const std::string& source, int line_number);

// Where a value sits in the line ("candidates[3][4]"); formatted only for an error.
struct Where {
    const Where* parent = nullptr;
    const char* key = nullptr;  // null: an array element
    size_t index = 0;

    Where at(const char* child) const { return {this, child, 0}; }
    Where at(size_t child) const { return {this, nullptr, child}; }
};

// A JSON value and where it sits; `where.parent` must outlive it.
struct Value {
    const Json& json;
    Where where;
};

[[noreturn]] void fail_line(const std::string& source, int line_number, const std::string& problem);

// Type-checked access to the values of one line: every problem is one FormatError
// "SOURCE:LINE: WHERE: PROBLEM", never undefined behaviour.
class ValueReader {
public:
    ValueReader(const std::string& source, int line_number) : m_source(source), m_line(line_number) {}

    [[noreturn]] void fail(const Where& where, const std::string& problem) const;
    [[noreturn]] void wrong_type(const Value& v, const char* expected) const {
        fail(v.where, std::string("expected ") + expected + ", got " + v.json.type_name());
    }

    Value field(const Value& object, const char* key) const {
        if (!object.json.is_object()) wrong_type(object, "an object");
        const auto found = object.json.find(key);
        if (found == object.json.end()) fail(object.where, std::string("missing field \"") + key + "\"");
        return {*found, object.where.at(key)};
    }
    const Json& array(const Value& v) const {
        if (!v.json.is_array()) wrong_type(v, "an array");
        return v.json;
    }
    int64_t integer(const Value& v, int64_t lo, int64_t hi) const;
    int to_int(const Value& v, int lo = std::numeric_limits<int>::min()) const {
        return static_cast<int>(integer(v, lo, std::numeric_limits<int>::max()));
    }
    uint64_t to_u64(const Value& v) const;
    bool to_bool(const Value& v) const {
        if (!v.json.is_boolean()) wrong_type(v, "true or false");
        return v.json.get<bool>();
    }
    double to_double(const Value& v) const;
    float to_float(const Value& v) const;
    std::optional<float> to_optional_float(const Value& v) const {
        if (v.json.is_null()) return std::nullopt;
        return to_float(v);
    }
    std::string to_text(const Value& v) const;
    std::map<std::string, std::string> to_text_map(const Value& v) const;
    template <typename F>
    auto to_vector(const Value& v, F convert) const {
        std::vector<decltype(convert(v))> values;
        values.reserve(array(v).size());
        for (size_t i = 0; i < v.json.size(); ++i) values.push_back(convert({v.json[i], v.where.at(i)}));
        return values;
    }
    std::vector<int> to_ints(const Value& v, int lo = std::numeric_limits<int>::min()) const {
        return to_vector(v, [this, lo](const Value& item) { return to_int(item, lo); });
    }
    std::vector<std::string> to_texts(const Value& v) const {
        return to_vector(v, [this](const Value& item) { return to_text(item); });
    }

private:
    const std::string& m_source;
    int m_line;
};

// `text`, read from `v`, must be one of `names`; the error lists them.
template <size_t N>
void expect_name(const ValueReader& reader, const Value& v, const std::string& text,
                 const std::array<std::string_view, N>& names) {
    if (std::find(names.begin(), names.end(), text) != names.end()) return;
    std::string expected;
    for (const std::string_view name : names) {
        if (!expected.empty()) expected += '|';
        expected += name;
    }
    reader.fail(v.where, "unknown \"" + text + "\" (expected " + expected + ")");
}

// The format version that introduced an event's type, and what a reader's error calls its
// family; version 1 and null for the run, phase and step events.
struct Introduced {
    int version = 1;
    const char* family = nullptr;
};
inline Introduced introduced_in(const Event& event) {
    if (std::holds_alternative<KvEvent>(event.body) || std::holds_alternative<KvStatsEvent>(event.body))
        return {2, "KV cache events"};
    if (std::holds_alternative<TileEvent>(event.body)) return {2, "tile events"};
    if (std::holds_alternative<SpecRoundEvent>(event.body) ||
        std::holds_alternative<SpecSummaryEvent>(event.body))
        return {3, "speculative sampling events"};
    return {};
}

// ---- the KV cache events (jsonl_kv.cpp) ----

// Put the event's own keys after "type", "seq" and "step".
void put_kv(Json& line, const KvEvent& kv);
void put_kv_stats(Json& line, const KvStatsEvent& stats);

// Read them from a line that is a JSON object.
KvEvent read_kv(const ValueReader& reader, const Value& line);
KvStatsEvent read_kv_stats(const ValueReader& reader, const Value& line);

// ---- the attention tile events (jsonl_tile.cpp) ----

void put_tile(Json& line, const TileEvent& tile);
TileEvent read_tile(const ValueReader& reader, const Value& line);

// ---- the speculative sampling events (jsonl_spec.cpp) ----

void put_spec_round(Json& line, const SpecRoundEvent& round);
void put_spec_summary(Json& line, const SpecSummaryEvent& summary);
SpecRoundEvent read_spec_round(const ValueReader& reader, const Value& line);
SpecSummaryEvent read_spec_summary(const ValueReader& reader, const Value& line);

}  // namespace dlab::jsonl
