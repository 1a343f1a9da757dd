// A Backend over a table model: logits are log-probabilities looked up by the longest
// matching context, hidden states are the symbol's embedding. Each sequence keeps its
// symbols (prompt and generated), which is all the "cache" a table needs.
#pragma once

#include <map>

#include "engine/backend.h"
#include "table/table_model.h"

namespace dlab {

class TableBackend final : public Backend {
public:
    explicit TableBackend(const TableModel& model);  // `model` must outlive the backend

    std::string name() const override { return "table"; }
    const ModelConfig& config() const override { return m_config; }
    std::vector<SequenceOutput> forward(const std::vector<SequenceInput>& batch,
                                        const ForwardOptions& options = {}) override;
    int sequence_length(int seq_id) const override;
    void fork_sequence(int src_id, int dst_id) override;
    void truncate_sequence(int seq_id, int length) override;
    void free_sequence(int seq_id) override;

private:
    const TableModel& m_model;
    ModelConfig m_config;
    std::map<int, std::vector<int>> m_sequences;  // seq id → its symbols
};

}  // namespace dlab
