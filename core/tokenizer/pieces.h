// How SentencePiece spells text in its pieces: spaces as "▁" (U+2581) and, for byte
// fallback, the raw byte 0xXX as the piece "<0xXX>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlab {

inline constexpr std::string_view kSpaceMark = "\xE2\x96\x81";  // "▁"

// Appends `text` to `out` with every ' ' written as "▁".
inline void append_escaped_spaces(std::string_view text, std::string& out) {
    for (char c : text) {
        if (c == ' ')
            out += kSpaceMark;
        else
            out += c;
    }
}

inline std::string unescape_spaces(std::string_view piece) {
    std::string out;
    out.reserve(piece.size());
    for (size_t i = 0; i < piece.size();) {
        if (piece.substr(i, kSpaceMark.size()) == kSpaceMark) {
            out += ' ';
            i += kSpaceMark.size();
        } else {
            out += piece[i++];
        }
    }
    return out;
}

// The piece of byte `value`, with uppercase hex digits as SentencePiece writes it.
inline std::string byte_piece(uint8_t value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    return {'<', '0', 'x', kHex[value >> 4], kHex[value & 15], '>'};
}

// The byte a "<0xXX>" piece stands for (either case of hex digit), or nullopt for any
// other piece.
inline std::optional<uint8_t> parse_byte_piece(std::string_view piece) {
    if (piece.size() != 6 || !piece.starts_with("<0x") || piece[5] != '>') return std::nullopt;
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    const int high = digit(piece[3]);
    const int low = digit(piece[4]);
    if (high < 0 || low < 0) return std::nullopt;
    return static_cast<uint8_t>(high * 16 + low);
}

}  // namespace dlab
