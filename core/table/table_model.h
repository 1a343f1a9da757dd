// Table models: a teacher writes a vocabulary of symbols and next-symbol probabilities
// per context, and the same Session and strategies run on it as on a neural model. The
// JSON format is documented in docs/table-format.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/config.h"
#include "model/weights.h"
#include "tokenizer/text_codec.h"

namespace dlab {

struct TableModel {
    std::string path;
    std::string name;
    std::string description;
    std::vector<std::string> symbols;  // [vocab] the vocabulary; symbol i is token i
    int eos_id = -1;                   // the symbol that ends a sequence, -1 if none
    int context_length = 64;
    std::string separator;             // text between consecutive symbols ("" by default)
    // Next-symbol distribution per context: the key is the context's symbols (prompt and
    // generated) joined by single spaces; the longest key that is a suffix of the context
    // wins, and "" (always present, possibly from "fallback") is the last resort.
    // Each distribution is [vocab], summing to 1 (missing symbols have probability 0).
    std::map<std::string, std::vector<float>> next;
    // [vocab][dim] vectors standing for each symbol's "hidden state" in contrastive search;
    // one-hot by default, so the degeneration penalty is 1 for a repeated symbol.
    RowMatrix embeddings;

    ModelConfig config() const;  // vocab_size, dim, context_length for the Backend interface
};

// Throws FormatError "PATH: …" naming the entry and the problem (unknown symbol, negative
// or non-normalizing probabilities, duplicate symbols, bad embedding shape).
TableModel load_table_model(const std::string& path);

// Prompts are symbols separated by spaces ("" is the empty prompt); text is the symbols
// concatenated, with the model's separator between them.
class TableCodec final : public TextCodec {
public:
    explicit TableCodec(const TableModel& model) : m_model(model) {}
    std::vector<int> encode_prompt(const std::string& text) const override;
    std::string piece(int prev, int token) const override;
    int eos_id() const override { return m_model.eos_id; }
    int vocab_size() const override { return static_cast<int>(m_model.symbols.size()); }

private:
    const TableModel& m_model;
};

}  // namespace dlab
