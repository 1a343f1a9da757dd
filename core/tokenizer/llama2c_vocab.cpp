// llama2.c's tokenizer.bin, read the way llama.cpp's convert-llama2c-to-ggml reads it, so
// that a vocabulary from tokenizer.bin and one from the converted GGUF file agree.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/regular_file.h"
#include "tokenizer/pieces.h"
#include "tokenizer/tokenizer.h"

namespace dlab {
namespace {

// Bounds-checked reads in host byte order, the order llama2.c writes the file in.
class Cursor {
public:
    explicit Cursor(std::vector<char> bytes) : m_bytes(std::move(bytes)) {}

    size_t left() const { return m_bytes.size() - m_pos; }

    template <typename T>
    bool read(T& value) {
        if (left() < sizeof(T)) return false;
        std::memcpy(&value, m_bytes.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return true;
    }

    std::string take(size_t n) {
        std::string out(m_bytes.data() + m_pos, n);
        m_pos += n;
        return out;
    }

private:
    std::vector<char> m_bytes;
    size_t m_pos = 0;
};

}  // namespace

Vocab load_llama2c_vocab(const std::string& path, int vocab_size) {
    if (vocab_size <= 0)
        throw InvalidArgument(path + ": vocab_size " + std::to_string(vocab_size) + " is not positive");
    require_regular_file(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open tokenizer.bin");
    Cursor cursor(std::vector<char>(std::istreambuf_iterator<char>(in), {}));

    int32_t max_token_length = 0;
    if (!cursor.read(max_token_length))
        throw FormatError(path + ": truncated tokenizer.bin (no max_token_length header)");
    if (max_token_length <= 0)
        throw FormatError(path + ": max_token_length " + std::to_string(max_token_length) +
                          " is not positive");

    // A record takes at least 8 bytes: a bad vocab_size must not reserve gigabytes.
    const size_t n_reserve = std::min(static_cast<size_t>(vocab_size), cursor.left() / 8);
    Vocab vocab;
    vocab.tokens.reserve(n_reserve);
    vocab.scores.reserve(n_reserve);
    vocab.types.reserve(n_reserve);
    for (int id = 0; id < vocab_size; ++id) {
        auto fail = [&](const std::string& problem) {
            throw FormatError(path + ": " + problem + " at token " + std::to_string(id) + " of " +
                              std::to_string(vocab_size));
        };
        float score = 0.0f;
        int32_t length = 0;
        if (!cursor.read(score) || !cursor.read(length)) fail("truncated tokenizer.bin");
        if (length < 0) fail("negative length " + std::to_string(length));
        if (length > max_token_length)
            fail("length " + std::to_string(length) + " above max_token_length " +
                 std::to_string(max_token_length));
        if (cursor.left() < static_cast<size_t>(length)) fail("truncated tokenizer.bin");
        std::string piece = cursor.take(static_cast<size_t>(length));

        // llama2.c writes <s> and </s> as "\n<s>\n" and "\n</s>\n" for printing; the
        // converter restores SentencePiece's pieces and types.
        TokenType type = TokenType::Normal;
        if (id == 0) {
            piece = "<unk>";
            type = TokenType::Unknown;
        } else if (id == 1) {
            piece = "<s>";
            type = TokenType::Control;
        } else if (id == 2) {
            piece = "</s>";
            type = TokenType::Control;
        } else if (piece.empty()) {
            type = TokenType::Control;
        } else if (parse_byte_piece(piece)) {
            type = TokenType::Byte;
        }
        std::string escaped;
        append_escaped_spaces(piece, escaped);
        vocab.tokens.push_back(std::move(escaped));
        vocab.scores.push_back(score);
        vocab.types.push_back(type);
    }
    vocab.unk_id = 0;
    vocab.bos_id = 1;
    vocab.eos_id = 2;
    vocab.add_bos = true;
    vocab.add_space_prefix = true;
    return vocab;
}

}  // namespace dlab
