// The generation loop: prefill the prompt in one pass, then decode one token per step.
// Greedy choice for now; the strategies of issue 4 replace choose_next().
// step() advances exactly one decode step so a front end can single-step.
#pragma once

#include <string>
#include <vector>

#include "engine/backend.h"
#include "tokenizer/tokenizer.h"

namespace dlab {

struct GenerationConfig {
    int max_new_tokens = 64;
    bool stop_at_eos = true;
};

struct GenerationResult {
    std::vector<int> prompt_tokens;  // including BOS
    std::vector<int> tokens;         // generated ids
    std::string text;                // the generated continuation
    std::string stop_reason;         // "eos" | "max_new_tokens"
    double prefill_seconds = 0.0;
    double decode_seconds = 0.0;
    int decode_passes = 0;           // forward passes after the prefill

    double prefill_tokens_per_s() const;
    double decode_tokens_per_s() const;
};

class Session {
public:
    // `backend` and `tokenizer` must outlive the session.
    Session(Backend& backend, const Tokenizer& tokenizer, GenerationConfig config);

    // Encodes and prefills the prompt, choosing the first token. Throws InvalidArgument
    // when prompt plus max_new_tokens do not fit the model's context.
    void start(const std::string& prompt);
    // Feeds the last chosen token and chooses the next; returns false once finished.
    bool step();
    bool finished() const { return !m_result.stop_reason.empty(); }
    const GenerationResult& result() const { return m_result; }

    // start() and step() until finished.
    GenerationResult run(const std::string& prompt);

private:
    void accept(const RowMatrix& logits);

    static constexpr int kSequence = 0;
    Backend& m_backend;
    const Tokenizer& m_tokenizer;
    GenerationConfig m_config;
    GenerationResult m_result;
};

}  // namespace dlab
