// A SentencePiece-style vocabulary: the pieces, their merge scores and types, and the
// special-token ids, as GGUF (tokenizer.ggml.*) and llama2.c's tokenizer.bin carry them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dlab {

// Values follow GGUF's tokenizer.ggml.token_type (llama.cpp's llama_token_type).
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,  // "<0xXX>": byte fallback
};

struct Vocab {
    std::vector<std::string> tokens;  // [n_vocab] pieces, spaces written as U+2581 "▁"
    std::vector<float> scores;        // [n_vocab] higher merges first
    std::vector<TokenType> types;     // [n_vocab]
    int bos_id = 1;
    int eos_id = 2;
    int unk_id = 0;
    bool add_bos = true;              // prepend BOS when encoding a prompt
    bool add_space_prefix = true;     // SentencePiece's dummy prefix: " text"

    int size() const { return static_cast<int>(tokens.size()); }
};

}  // namespace dlab
