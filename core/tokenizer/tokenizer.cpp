// llama.cpp's SentencePiece BPE tokenizer (llm_tokenizer_spm) reimplemented, so that a
// prompt encodes to the same ids as llama.cpp gives for the same GGUF file. Where llama.cpp
// and SentencePiece differ, llama.cpp wins: pieces are looked up by text whatever their
// type, a later duplicate piece shadows an earlier one, and invalid UTF-8 is split by lead
// byte alone.
#include "tokenizer/tokenizer.h"

#include <algorithm>
#include <queue>
#include <string>
#include <utility>

#include "common/error.h"
#include "tokenizer/pieces.h"

namespace dlab {
namespace {

// Byte length of the character that starts with `lead`, judged from its high nibble only
// (llama.cpp's unicode_len_utf8). A stray continuation byte is a character of its own; a
// lead byte claims its followers without checking them, so invalid text splits exactly as
// it does in llama.cpp.
size_t utf8_char_len(char lead) {
    static constexpr size_t kLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLen[static_cast<unsigned char>(lead) >> 4];
}

std::string out_of_range(const char* what, int id, int n_vocab) {
    return std::string("tokenizer: ") + what + " " + std::to_string(id) +
           " is out of range for a vocabulary of " + std::to_string(n_vocab) + " tokens";
}

// One bigram merge pass over one escaped text (llama.cpp's llm_tokenizer_spm_session).
class SpmMerger {
public:
    SpmMerger(const std::string& text, const std::unordered_map<std::string, int>& piece_to_id,
              const std::vector<float>& scores)
        : m_text(text), m_piece_to_id(piece_to_id), m_scores(scores) {}

    // Appends the ids of the text to `out`; `byte_tokens` spells out unmatched symbols.
    void encode(const int (&byte_tokens)[256], std::vector<int>& out) {
        if (m_text.empty()) return;

        // one symbol per UTF-8 character
        for (size_t offset = 0; offset < m_text.size();) {
            const size_t n = std::min(utf8_char_len(m_text[offset]), m_text.size() - offset);
            const int index = static_cast<int>(m_symbols.size());
            m_symbols.push_back({index - 1, offset + n == m_text.size() ? -1 : index + 1, offset, n});
            offset += n;
        }

        // seed the queue with every adjacent pair that spells a piece
        for (int i = 1; i < static_cast<int>(m_symbols.size()); ++i) try_add_bigram(i - 1, i);

        // merge the best pair until none is left
        while (!m_queue.empty()) {
            const Bigram bigram = m_queue.top();
            m_queue.pop();
            Symbol& left = m_symbols[bigram.left];
            Symbol& right = m_symbols[bigram.right];
            // Stale: one side was merged away or grew since the pair was queued.
            if (left.n == 0 || right.n == 0 || left.n + right.n != bigram.size) continue;

            left.n += right.n;
            right.n = 0;
            left.next = right.next;
            if (right.next >= 0) m_symbols[right.next].prev = bigram.left;

            try_add_bigram(left.prev, bigram.left);
            try_add_bigram(bigram.left, left.next);
        }

        // emit: each symbol as its piece, or byte by byte. SentencePiece also resegments a
        // merged symbol whose piece is unused into its two halves; llama.cpp outputs any
        // piece, and a pair is queued only when it spells one, so every merged symbol is
        // found here and no reverse-merge map is needed.
        for (int i = 0; i != -1; i = m_symbols[i].next) {
            const Symbol& symbol = m_symbols[i];
            const auto found = m_piece_to_id.find(m_text.substr(symbol.offset, symbol.n));
            if (found != m_piece_to_id.end()) {
                out.push_back(found->second);
                continue;
            }
            for (size_t b = symbol.offset; b < symbol.offset + symbol.n; ++b)
                out.push_back(byte_tokens[static_cast<unsigned char>(m_text[b])]);
        }
    }

private:
    struct Symbol {
        int prev;       // index of the left neighbour, -1 at the start
        int next;       // index of the right neighbour, -1 at the end
        size_t offset;  // into m_text
        size_t n;       // bytes; 0 once merged into its left neighbour
    };

    struct Bigram {
        int left;
        int right;
        float score;
        size_t size;  // bytes of both symbols when queued
    };

    // std::priority_queue pops the greatest: the higher score, then the leftmost pair.
    struct BigramOrder {
        bool operator()(const Bigram& a, const Bigram& b) const {
            return a.score < b.score || (a.score == b.score && a.left > b.left);
        }
    };

    void try_add_bigram(int left, int right) {
        if (left < 0 || right < 0) return;
        const size_t size = m_symbols[left].n + m_symbols[right].n;
        const auto found = m_piece_to_id.find(m_text.substr(m_symbols[left].offset, size));
        if (found == m_piece_to_id.end()) return;
        m_queue.push({left, right, m_scores[found->second], size});
    }

    const std::string& m_text;
    const std::unordered_map<std::string, int>& m_piece_to_id;
    const std::vector<float>& m_scores;  // [n_vocab]
    std::vector<Symbol> m_symbols;
    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> m_queue;
};

// What a vocabulary without token types gets: enough for decoding to skip the special
// tokens and turn byte pieces into bytes (encoding looks pieces up by text only).
TokenType default_type(const Vocab& vocab, int id) {
    if (id == vocab.unk_id) return TokenType::Unknown;
    if (id == vocab.bos_id || id == vocab.eos_id) return TokenType::Control;
    if (parse_byte_piece(vocab.tokens[id])) return TokenType::Byte;
    return TokenType::Normal;
}

}  // namespace

Tokenizer::Tokenizer(Vocab vocab) : m_vocab(std::move(vocab)) {
    const int n_vocab = m_vocab.size();
    if (n_vocab == 0) throw FormatError("tokenizer: the vocabulary has no tokens");
    const std::pair<const char*, int> specials[] = {{"bos_token_id", m_vocab.bos_id},
                                                    {"eos_token_id", m_vocab.eos_id},
                                                    {"unknown_token_id", m_vocab.unk_id}};
    for (const auto& [name, id] : specials)
        if (id < 0 || id >= n_vocab) throw FormatError(out_of_range(name, id, n_vocab));

    // Scores and types are optional in GGUF; llama.cpp then scores every piece 0.
    if (m_vocab.scores.empty()) m_vocab.scores.assign(n_vocab, 0.0f);
    if (m_vocab.scores.size() != m_vocab.tokens.size())
        throw FormatError("tokenizer: " + std::to_string(m_vocab.scores.size()) +
                          " scores for a vocabulary of " + std::to_string(n_vocab) + " tokens");
    if (m_vocab.types.empty()) {
        m_vocab.types.resize(n_vocab);
        for (int id = 0; id < n_vocab; ++id) m_vocab.types[id] = default_type(m_vocab, id);
    }
    if (m_vocab.types.size() != m_vocab.tokens.size())
        throw FormatError("tokenizer: " + std::to_string(m_vocab.types.size()) +
                          " token types for a vocabulary of " + std::to_string(n_vocab) + " tokens");

    m_piece_to_id.reserve(n_vocab);
    for (int id = 0; id < n_vocab; ++id) {
        const auto type = static_cast<int32_t>(m_vocab.types[id]);
        if (type < static_cast<int32_t>(TokenType::Undefined) || type > static_cast<int32_t>(TokenType::Byte))
            throw FormatError("tokenizer: token " + std::to_string(id) + " has type " + std::to_string(type) +
                              ", not a token type (0..6)");
        if (m_vocab.types[id] == TokenType::Byte && !parse_byte_piece(m_vocab.tokens[id]))
            throw FormatError("tokenizer: token " + std::to_string(id) + " is a byte token but its piece \"" +
                              m_vocab.tokens[id] + "\" is not <0xXX>");
        // A later duplicate replaces an earlier one, as in llama.cpp's token_to_id.
        m_piece_to_id[m_vocab.tokens[id]] = id;
    }

    // Byte fallback as llama.cpp resolves it: "<0xXX>", else the one-byte piece, else
    // (where llama.cpp would abort) the unknown token.
    for (int byte = 0; byte < 256; ++byte) {
        auto found = m_piece_to_id.find(byte_piece(static_cast<uint8_t>(byte)));
        if (found == m_piece_to_id.end()) found = m_piece_to_id.find(std::string(1, static_cast<char>(byte)));
        m_byte_tokens[byte] = found != m_piece_to_id.end() ? found->second : m_vocab.unk_id;
    }
}

std::vector<int> Tokenizer::encode(std::string_view text, bool add_bos) const {
    std::vector<int> ids;
    if (add_bos) ids.push_back(m_vocab.bos_id);
    // llama.cpp adds the dummy prefix only to non-empty text: "" encodes to nothing.
    if (text.empty()) return ids;
    std::string escaped;
    escaped.reserve((text.size() + 1) * kSpaceMark.size());
    if (m_vocab.add_space_prefix) escaped += kSpaceMark;
    append_escaped_spaces(text, escaped);
    SpmMerger(escaped, m_piece_to_id, m_vocab.scores).encode(m_byte_tokens, ids);
    return ids;
}

std::string Tokenizer::decode_token(int prev, int token) const {
    if (token < 0 || token >= size()) throw InvalidArgument(out_of_range("token id", token, size()));
    const std::string& piece = m_vocab.tokens[token];
    std::string text;
    switch (m_vocab.types[token]) {
        case TokenType::Normal:
            text = unescape_spaces(piece);
            break;
        case TokenType::UserDefined:
            text = piece;
            break;
        case TokenType::Byte:
            return std::string(1, static_cast<char>(*parse_byte_piece(piece)));
        default:
            // Control, unknown, unused and undefined tokens print nothing, as in llama.cpp
            // when special tokens are not rendered.
            return {};
    }
    // The dummy prefix added when encoding is not part of the text (llama2.c's decode).
    if (prev == m_vocab.bos_id && m_vocab.add_space_prefix && text.starts_with(' ')) text.erase(0, 1);
    return text;
}

std::string Tokenizer::decode(const std::vector<int>& tokens) const {
    std::string text;
    int prev = -1;
    for (int token : tokens) {
        text += decode_token(prev, token);
        prev = token;
    }
    return text;
}

}  // namespace dlab
