// The Backend interface: turns new tokens of live sequences into next-token logits,
// keeping each sequence's keys and values in its KV cache. The CPU backend (Eigen) and
// the CUDA backend implement it; the Session and the strategies only see this.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attention/attention_cost.h"
#include "kv/kv_cache.h"
#include "model/config.h"
#include "model/weights.h"

namespace dlab {

// New tokens for one sequence. They take the positions right after what the sequence's
// cache already holds, so positions are implicit.
struct SequenceInput {
    int seq_id = 0;
    std::vector<int> tokens;  // [n_new]
};

struct ForwardOptions {
    bool all_logits = false;  // logits for every new position, not just the last (verification)
    bool hidden = false;      // final-normed hidden states of EVERY new position (contrastive search)
};

struct SequenceOutput {
    int seq_id = 0;
    RowMatrix logits;  // [1 or n_new][vocab_size]
    RowMatrix hidden;  // [n_new][dim] when ForwardOptions::hidden, else empty
};

class Backend {
public:
    virtual ~Backend() = default;

    virtual std::string name() const = 0;
    virtual const ModelConfig& config() const = 0;

    // One forward pass over a batch. A sequence with several new tokens (a prompt) is
    // prefilled in one batched pass; sequences with one new token each are decoded
    // together. Outputs are in the order of `batch`. Throws InvalidArgument for a token
    // id outside the vocabulary or a sequence that would outgrow its cache.
    virtual std::vector<SequenceOutput> forward(const std::vector<SequenceInput>& batch,
                                                const ForwardOptions& options = {}) = 0;

    // Empty when the KV cache has room for the batch, else a sentence saying what is short
    // (the session stops the run with that reason instead of failing mid-pass).
    virtual std::string check_forward(const std::vector<SequenceInput>& batch) const {
        (void)batch;
        return {};
    }
    // Receives every KV cache operation; nullptr stops the reports. Backends without a
    // KV cache (table models) have nothing to report.
    virtual void set_kv_observer(KvObserver* observer) { (void)observer; }
    virtual std::optional<KvStatsEvent> kv_stats() const { return std::nullopt; }
    // Receives the attention tile events of the traced layer and head during prefills.
    virtual void set_tile_observer(TileObserver* observer) { (void)observer; }

    // Facts about the device the passes run on, for the trace's run event (the memory-
    // hierarchy view shows them beside its presets); empty when there is nothing to say.
    virtual std::map<std::string, std::string> device_facts() const { return {}; }

    virtual int sequence_length(int seq_id) const = 0;
    virtual void fork_sequence(int src_id, int dst_id) = 0;
    virtual void truncate_sequence(int seq_id, int length) = 0;
    virtual void free_sequence(int seq_id) = 0;
};

}  // namespace dlab
