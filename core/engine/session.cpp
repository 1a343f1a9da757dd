#include "engine/session.h"

#include <chrono>

#include "common/error.h"

namespace dlab {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

double GenerationResult::prefill_tokens_per_s() const {
    return prefill_seconds > 0 ? prompt_tokens.size() / prefill_seconds : 0.0;
}

double GenerationResult::decode_tokens_per_s() const {
    return decode_seconds > 0 ? decode_passes / decode_seconds : 0.0;
}

Session::Session(Backend& backend, const Tokenizer& tokenizer, GenerationConfig config)
    : m_backend(backend), m_tokenizer(tokenizer), m_config(config) {
    if (m_config.max_new_tokens < 1)
        throw InvalidArgument("max-new-tokens: " + std::to_string(m_config.max_new_tokens) + " is not positive");
    if (m_tokenizer.size() != m_backend.config().vocab_size)
        throw InvalidArgument("tokenizer has " + std::to_string(m_tokenizer.size()) +
                              " tokens but the model's vocabulary has " +
                              std::to_string(m_backend.config().vocab_size));
}

void Session::start(const std::string& prompt) {
    m_result = {};
    m_backend.free_sequence(kSequence);
    m_result.prompt_tokens = m_tokenizer.encode(prompt, m_tokenizer.vocab().add_bos);
    const int n_prompt = static_cast<int>(m_result.prompt_tokens.size());
    const int context = m_backend.config().context_length;
    if (n_prompt == 0) throw InvalidArgument("prompt: empty, and the vocabulary adds no BOS token");
    if (n_prompt + m_config.max_new_tokens > context)
        throw InvalidArgument("prompt: " + std::to_string(n_prompt) + " tokens plus " +
                              std::to_string(m_config.max_new_tokens) +
                              " new tokens exceed the model's context length of " + std::to_string(context));

    // prefill: the whole prompt in one batched pass
    const auto start = std::chrono::steady_clock::now();
    std::vector<SequenceOutput> out = m_backend.forward({{kSequence, m_result.prompt_tokens}});
    m_result.prefill_seconds = seconds_since(start);
    accept(out[0].logits);
}

bool Session::step() {
    if (finished()) return false;
    // decode: feed the last chosen token
    const auto start = std::chrono::steady_clock::now();
    std::vector<SequenceOutput> out = m_backend.forward({{kSequence, {m_result.tokens.back()}}});
    m_result.decode_seconds += seconds_since(start);
    ++m_result.decode_passes;
    accept(out[0].logits);
    return !finished();
}

GenerationResult Session::run(const std::string& prompt) {
    start(prompt);
    while (step()) {
    }
    return m_result;
}

void Session::accept(const RowMatrix& logits) {
    // greedy: the most probable token
    Eigen::Index best = 0;
    logits.row(logits.rows() - 1).maxCoeff(&best);
    const int token = static_cast<int>(best);
    const int prev = m_result.tokens.empty() ? m_result.prompt_tokens.back() : m_result.tokens.back();

    if (m_config.stop_at_eos && token == m_tokenizer.eos_id()) {
        m_result.stop_reason = "eos";
        return;
    }
    m_result.tokens.push_back(token);
    m_result.text += m_tokenizer.decode_token(prev, token);
    if (static_cast<int>(m_result.tokens.size()) >= m_config.max_new_tokens) m_result.stop_reason = "max_new_tokens";
}

}  // namespace dlab
