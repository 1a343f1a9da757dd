// SentencePiece-style BPE over a Vocab, encoding exactly as llama.cpp's SPM tokenizer
// does for `tokenizer.ggml.model = llama` files: dummy space prefix, spaces as "▁",
// score-ordered merges of adjacent pieces, byte fallback through "<0xXX>" tokens.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/text_codec.h"
#include "tokenizer/vocab.h"

namespace dlab {

class Tokenizer final : public TextCodec {
public:
    // Throws FormatError when the vocabulary is inconsistent (sizes differ, special ids
    // out of range, empty).
    explicit Tokenizer(Vocab vocab);

    // Token ids of `text`, with BOS first when add_bos.
    std::vector<int> encode(std::string_view text, bool add_bos) const;

    // The text of one token as it appears after `prev` (the leading space of the first
    // piece after BOS is dropped; byte tokens become their byte; control tokens are empty).
    std::string decode_token(int prev, int token) const;

    // The text of a token sequence (concatenated decode_token).
    std::string decode(const std::vector<int>& tokens) const;

    const Vocab& vocab() const { return m_vocab; }
    int size() const { return m_vocab.size(); }
    int bos_id() const { return m_vocab.bos_id; }

    // TextCodec
    std::vector<int> encode_prompt(const std::string& text) const override { return encode(text, m_vocab.add_bos); }
    std::string piece(int prev, int token) const override { return decode_token(prev, token); }
    int eos_id() const override { return m_vocab.eos_id; }
    int vocab_size() const override { return m_vocab.size(); }

private:
    Vocab m_vocab;
    std::unordered_map<std::string, int> m_piece_to_id;
    int m_byte_tokens[256];  // id the byte fallback emits per byte: "<0xXX>", a one-byte piece or unk
};

// Reads llama2.c's tokenizer.bin (int32 max_token_length, then per token: float score,
// int32 length, bytes). Pieces there carry plain spaces; they are stored back as "▁".
// Ids 0, 1, 2 are <unk>, <s>, </s> as in llama2.c; "<0xXX>" pieces are byte tokens.
Vocab load_llama2c_vocab(const std::string& path, int vocab_size);

}  // namespace dlab
