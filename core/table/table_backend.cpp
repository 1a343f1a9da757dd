#include "table/table_backend.h"

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "common/error.h"

namespace dlab {

namespace {

// The distribution of the longest key that is a suffix of `context` ("" always matches).
// A shorter suffix can be missing while a longer one is present, so every length is tried.
const std::vector<float>& lookup(const TableModel& model, const std::vector<int>& context) {  // context: [n]
    const std::vector<float>* best = &model.next.at("");
    std::string key;
    for (size_t n = 1; n <= context.size(); ++n) {
        const std::string& symbol = model.symbols[context[context.size() - n]];
        key = n == 1 ? symbol : symbol + " " + key;
        const auto it = model.next.find(key);
        if (it != model.next.end()) best = &it->second;
    }
    return *best;
}

}  // namespace

TableBackend::TableBackend(const TableModel& model) : m_model(model), m_config(model.config()) {
    // a hand-built model gets the checks load_table_model() makes on the shapes
    const size_t n_vocab = model.symbols.size();
    if (n_vocab == 0) throw InvalidArgument("table backend: the table has no symbols");
    if (!model.next.count("")) throw InvalidArgument("table backend: the table has no '' distribution");
    for (const auto& [context, probs] : model.next)
        if (probs.size() != n_vocab)
            throw InvalidArgument("table backend: next['" + context + "'] has " +
                                  std::to_string(probs.size()) + " probabilities for " +
                                  std::to_string(n_vocab) + " symbols");
    if (model.embeddings.rows() != static_cast<Eigen::Index>(n_vocab) || model.embeddings.cols() == 0)
        throw InvalidArgument("table backend: embeddings must be [" + std::to_string(n_vocab) + "][dim]");
}

std::vector<SequenceOutput> TableBackend::forward(const std::vector<SequenceInput>& batch,
                                                  const ForwardOptions& options) {
    // refuse the whole batch before anything changes
    std::set<int> seen;
    for (const SequenceInput& input : batch) {
        const std::string seq = "forward: sequence " + std::to_string(input.seq_id);
        if (input.tokens.empty()) throw InvalidArgument(seq + " has no new tokens");
        if (!seen.insert(input.seq_id).second) throw InvalidArgument(seq + " appears twice in one batch");
        for (int t : input.tokens)
            if (t < 0 || t >= m_config.vocab_size)
                throw InvalidArgument("forward: token id " + std::to_string(t) +
                                      " is outside the vocabulary of " + std::to_string(m_config.vocab_size) +
                                      " symbols");
        const int length = sequence_length(input.seq_id);
        if (length + static_cast<int>(input.tokens.size()) > m_config.context_length)
            throw InvalidArgument(seq + " at length " + std::to_string(length) + " has no room for " +
                                  std::to_string(input.tokens.size()) + " more symbols (context_length " +
                                  std::to_string(m_config.context_length) + ")");
    }

    std::vector<SequenceOutput> outputs(batch.size());
    for (size_t b = 0; b < batch.size(); ++b) {
        const SequenceInput& input = batch[b];
        std::vector<int>& symbols = m_sequences[input.seq_id];  // [length]
        const int n_new = static_cast<int>(input.tokens.size());
        SequenceOutput& out = outputs[b];
        out.seq_id = input.seq_id;
        out.logits.resize(options.all_logits ? n_new : 1, m_config.vocab_size);
        if (options.hidden) out.hidden.resize(n_new, m_config.dim);

        // append each token; its row is the log of the distribution that follows it
        for (int i = 0; i < n_new; ++i) {
            const int token = input.tokens[i];
            symbols.push_back(token);
            if (options.hidden) out.hidden.row(i) = m_model.embeddings.row(token);
            if (!options.all_logits && i + 1 < n_new) continue;
            const std::vector<float>& probs = lookup(m_model, symbols);  // [vocab]
            const int row = options.all_logits ? i : 0;
            for (int v = 0; v < m_config.vocab_size; ++v)
                out.logits(row, v) =
                    probs[v] > 0.0f ? std::log(probs[v]) : -std::numeric_limits<float>::infinity();
        }
    }
    return outputs;
}

int TableBackend::sequence_length(int seq_id) const {
    const auto it = m_sequences.find(seq_id);
    return it == m_sequences.end() ? 0 : static_cast<int>(it->second.size());
}

void TableBackend::fork_sequence(int src_id, int dst_id) {
    const auto src = m_sequences.find(src_id);
    if (src == m_sequences.end()) throw InvalidArgument("fork: unknown sequence " + std::to_string(src_id));
    if (src_id == dst_id) return;
    m_sequences[dst_id] = src->second;
}

void TableBackend::truncate_sequence(int seq_id, int length) {
    const auto it = m_sequences.find(seq_id);
    if (it == m_sequences.end())
        throw InvalidArgument("truncate: unknown sequence " + std::to_string(seq_id));
    if (length < 0 || length > static_cast<int>(it->second.size()))
        throw InvalidArgument("truncate: cannot truncate sequence " + std::to_string(seq_id) + " of length " +
                              std::to_string(it->second.size()) + " to " + std::to_string(length));
    it->second.resize(length);
}

void TableBackend::free_sequence(int seq_id) { m_sequences.erase(seq_id); }

}  // namespace dlab
