// What a command runs on: a neural model (file or embedded) with its tokenizer and CPU or
// CUDA backend, or a table model with its codec and table backend.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "attention/attention_config.h"
#include "engine/backend.h"
#include "engine/session.h"
#include "kv/kv_config.h"
#include "model/model.h"
#include "table/table_backend.h"
#include "table/table_model.h"
#include "tokenizer/tokenizer.h"

namespace dlab::cli {

class LoadedEngine {
public:
    // `model` ("embedded:NAME" or a path) unless `table` is given; `kv` lays out the neural
    // model's KV cache and `attention` chooses its prefill attention (a table model has
    // neither and ignores them); `cuda` puts the neural model on the CUDA backend (device 0)
    // instead of the CPU's — see resolve_backend_here.
    static std::unique_ptr<LoadedEngine> load(const std::string& model, const std::string& table,
                                              const std::string& llama2c_tokenizer, const KvConfig& kv = {},
                                              const AttentionConfig& attention = {}, bool cuda = false);

    Backend& backend() { return *m_backend; }
    // Another backend over the same neural model with a KV cache and attention of its own
    // (a --compare run with other KV, attention or backend options). Throws InvalidArgument for a
    // table model, UnsupportedError for `cuda` in a build without the CUDA backend.
    std::unique_ptr<Backend> make_backend(const KvConfig& kv, const AttentionConfig& attention = {},
                                          bool cuda = false) const;
    // The neural model's configuration; null for a table model.
    const ModelConfig* model_config() const { return m_model ? &m_model->config : nullptr; }
    // The neural model's vocabulary, or the table model; null for the other kind. A draft
    // model or table is compared with its target through these.
    const Vocab* vocab() const { return m_tokenizer ? &m_tokenizer->vocab() : nullptr; }
    const TableModel* table() const { return m_table ? &*m_table : nullptr; }
    const TextCodec& codec() const { return *m_codec; }
    const SessionOptions& session_options() const { return m_options; }

private:
    std::optional<Model> m_model;
    std::optional<Tokenizer> m_tokenizer;
    std::optional<TableModel> m_table;
    std::unique_ptr<TableCodec> m_table_codec;
    std::unique_ptr<Backend> m_backend;
    const TextCodec* m_codec = nullptr;
    SessionOptions m_options;
};

}  // namespace dlab::cli
