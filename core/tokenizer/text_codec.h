// What the session needs of a vocabulary: prompts to ids, ids to text. A SentencePiece
// Tokenizer and a table model's symbol list both provide it.
#pragma once

#include <string>
#include <vector>

namespace dlab {

class TextCodec {
public:
    virtual ~TextCodec() = default;

    // Ids of a prompt, with BOS first when the vocabulary adds one. Throws InvalidArgument
    // when the text cannot be encoded (a table model's unknown symbol).
    virtual std::vector<int> encode_prompt(const std::string& text) const = 0;
    // The text of `token` as it appears after `prev` (-1: at the start).
    virtual std::string piece(int prev, int token) const = 0;
    virtual int eos_id() const = 0;  // -1 when the vocabulary has none
    virtual int vocab_size() const = 0;
};

}  // namespace dlab
