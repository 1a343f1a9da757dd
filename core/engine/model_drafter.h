// A drafter that runs a model through its own Backend: the shipped draft model, any model
// file with the target's vocabulary, or a draft table paired with a target table. It keeps
// one sequence in that backend's KV cache and feeds it only what the cache lacks.
#pragma once

#include "engine/backend.h"
#include "engine/drafter.h"

namespace dlab {

class ModelDrafter final : public Drafter {
public:
    // `backend` must outlive the drafter; `kind` is "model" or "table" for the trace.
    ModelDrafter(Backend& backend, std::string kind);
    ~ModelDrafter() override;

    std::string kind() const override { return m_kind; }
    int vocab_size() const override { return m_backend.config().vocab_size; }
    DraftProposal propose(const std::vector<int>& context, int gamma, const SamplerChain* chain,
                          Rng& rng) override;
    int commit(const std::vector<int>& context) override;
    int cache_length() const override { return static_cast<int>(m_cached.size()); }
    void reset() override;

private:
    int truncate_to_shared(const std::vector<int>& context);

    Backend& m_backend;
    std::string m_kind;
    bool m_open = false;       // the sequence exists in the backend
    std::vector<int> m_cached;  // [cache length] the tokens the backend holds for it
};

}  // namespace dlab
