// The values of the JSON Lines trace (docs/trace-format.md, "Values"), shared by every
// event's writer and reader: doubles and floats printed so that they read back bit for
// bit, text that is not UTF-8 kept as hex, and ValueReader, which type-checks a value
// before it is used, so that a damaged line is one FormatError "SOURCE:LINE: WHERE: PROBLEM"
// and never undefined behaviour.
#include <charconv>
#include <cmath>
#include <string_view>

#include "common/error.h"
#include "trace/jsonl_detail.h"

namespace dlab::jsonl {
namespace {

// Length of the well-formed UTF-8 sequence starting at text[at], 0 when none does
// (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8_length(std::string_view text, size_t at) {
    struct Form {
        unsigned char lead_lo, lead_hi, second_lo, second_hi;
        size_t length;
    };
    static constexpr Form kForms[] = {
        {0x00, 0x7F, 0x00, 0x00, 1}, {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
        {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3},
        {0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
    };
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    for (const Form& form : kForms) {
        if (byte(at) < form.lead_lo || byte(at) > form.lead_hi) continue;
        if (form.length == 1) return 1;
        if (at + form.length > text.size()) return 0;
        if (byte(at + 1) < form.second_lo || byte(at + 1) > form.second_hi) return 0;
        for (size_t i = 2; i < form.length; ++i) {
            if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
        }
        return form.length;
    }
    return 0;
}

std::string where_text(const Where* where) {
    if (where->parent == nullptr) return "";  // the line itself
    std::string text = where_text(where->parent);
    if (where->key == nullptr) return text + "[" + std::to_string(where->index) + "]";
    return text.empty() ? where->key : text + "." + where->key;
}

}  // namespace

bool is_utf8(std::string_view text) {
    for (size_t at = 0; at < text.size();) {
        const size_t length = utf8_length(text, at);
        if (length == 0) return false;
        at += length;
    }
    return true;
}

std::string line_prefix(const std::string& source, int line_number) {
    return source + ":" + std::to_string(line_number) + ": ";
}

// JSON has no NaN or infinities; they travel as strings. +0 is written 0 (pruned
// candidates' probabilities are a trace's most common number).
Json double_value(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    if (value == 0.0 && !std::signbit(value)) return 0;
    return value;
}

// A float goes out as the double nearest its shortest round-trip decimal, so the line
// shows "0.1" rather than the 17 digits of double(0.1f). Narrowing that double back must
// give the float again; in the rare case where double rounding would break that, the
// float's exact double goes out instead (longer, equally exact).
Json float_value(float value) {
    if (!std::isfinite(value) || value == 0.0f) return double_value(value);
    char text[32];
    const auto printed = std::to_chars(text, text + sizeof text, value);
    double shortest = 0.0;
    std::from_chars(text, printed.ptr, shortest);
    if (static_cast<float>(shortest) != value) return static_cast<double>(value);
    return shortest;
}

// Valid UTF-8 is a plain JSON string. Anything else (a byte token can be half a
// character) becomes {"text": shown with U+FFFD per bad byte, "hex": the exact bytes}.
Json text_value(const std::string& text) {
    if (is_utf8(text)) return text;
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string shown;
    std::string hex;
    for (size_t at = 0; at < text.size();) {
        const size_t length = utf8_length(text, at);
        if (length == 0) {
            shown += "\xEF\xBF\xBD";
            at += 1;
        } else {
            shown.append(text, at, length);
            at += length;
        }
    }
    for (const char c : text) {
        hex += kDigits[static_cast<unsigned char>(c) >> 4];
        hex += kDigits[static_cast<unsigned char>(c) & 0xF];
    }
    return Json{{"text", shown}, {"hex", hex}};
}

void fail_line(const std::string& source, int line_number, const std::string& problem) {
    throw FormatError(line_prefix(source, line_number) + problem);
}

void ValueReader::fail(const Where& where, const std::string& problem) const {
    const std::string path = where_text(&where);
    fail_line(m_source, m_line, (path.empty() ? "" : path + ": ") + problem);
}

int64_t ValueReader::integer(const Value& v, int64_t lo, int64_t hi) const {
    if (!v.json.is_number_integer()) wrong_type(v, "an integer");
    if (v.json.is_number_unsigned()) {
        // the parser reads every non-negative integer as unsigned: both bounds still apply
        const uint64_t u = v.json.get<uint64_t>();
        if (hi < 0 || u > static_cast<uint64_t>(hi) || (lo > 0 && u < static_cast<uint64_t>(lo)))
            fail(v.where, std::to_string(u) + " is out of range");
        return static_cast<int64_t>(u);
    }
    const int64_t i = v.json.get<int64_t>();
    if (i < lo || i > hi) fail(v.where, std::to_string(i) + " is out of range");
    return i;
}

uint64_t ValueReader::to_u64(const Value& v) const {
    if (v.json.is_number_integer() && !v.json.is_number_unsigned()) {
        fail(v.where, std::to_string(v.json.get<int64_t>()) + " is negative");
    }
    if (!v.json.is_number_unsigned()) wrong_type(v, "an unsigned integer");
    return v.json.get<uint64_t>();
}

double ValueReader::to_double(const Value& v) const {
    if (v.json.is_number()) return v.json.get<double>();
    if (v.json.is_string()) {
        const std::string& text = v.json.get_ref<const std::string&>();
        if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
        if (text == "inf") return std::numeric_limits<double>::infinity();
        if (text == "-inf") return -std::numeric_limits<double>::infinity();
    }
    wrong_type(v, "a number, \"nan\", \"inf\" or \"-inf\"");
}

float ValueReader::to_float(const Value& v) const {
    // halfway between FLT_MAX and the next power of two: from here on, rounding overflows
    constexpr double kOverflow = 0x1.ffffffp+127;
    const double d = to_double(v);
    if (std::isfinite(d) && std::fabs(d) >= kOverflow) fail(v.where, "out of float range");
    return static_cast<float>(d);
}

std::string ValueReader::to_text(const Value& v) const {
    if (v.json.is_string()) return v.json.get<std::string>();
    if (!v.json.is_object() || !v.json.contains("hex")) wrong_type(v, "a string or {\"hex\": …}");
    const Value hex = field(v, "hex");
    if (!hex.json.is_string()) wrong_type(hex, "a string");
    const std::string& digits = hex.json.get_ref<const std::string&>();
    if (digits.size() % 2 != 0) fail(hex.where, "odd number of hex digits");
    const auto nibble = [&](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        fail(hex.where, "not a hex digit");
    };
    std::string bytes;
    for (size_t i = 0; i < digits.size(); i += 2) {
        bytes += static_cast<char>(nibble(digits[i]) * 16 + nibble(digits[i + 1]));
    }
    return bytes;
}

std::map<std::string, std::string> ValueReader::to_text_map(const Value& v) const {
    if (!v.json.is_object()) wrong_type(v, "an object");
    std::map<std::string, std::string> map;
    for (const auto& [key, item] : v.json.items()) map[key] = to_text({item, v.where.at(key.c_str())});
    return map;
}

}  // namespace dlab::jsonl
