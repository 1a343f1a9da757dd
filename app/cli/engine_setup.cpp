#include "engine_setup.h"

#include "common/error.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "options/engine_parameters.h"
#ifdef DECODELAB_HAVE_CUDA
#include "cuda_backend.h"
#endif

namespace dlab::cli {

namespace {

Tokenizer require_tokenizer(const Model& model) {
    if (!model.vocab) {
        if (!model.tokenizer_kind.empty())
            throw UnsupportedError(model.path + ": unsupported tokenizer '" + model.tokenizer_kind +
                                   "' (DecodeLab reads SentencePiece 'llama' vocabularies)");
        throw FormatError(model.path + ": the model has no tokenizer" +
                          (model.format == ModelFormat::Llama2c ? " (put tokenizer.bin beside it or pass --tokenizer)"
                                                                : ""));
    }
    return Tokenizer(*model.vocab);
}

}  // namespace

std::unique_ptr<LoadedEngine> LoadedEngine::load(const std::string& model, const std::string& table,
                                                 const std::string& llama2c_tokenizer, const KvConfig& kv,
                                                 const AttentionConfig& attention, bool cuda) {
    auto engine = std::unique_ptr<LoadedEngine>(new LoadedEngine());
    if (!table.empty()) {
        engine->m_table = load_table_model(table);
        engine->m_table_codec = std::make_unique<TableCodec>(*engine->m_table);
        engine->m_backend = std::make_unique<TableBackend>(*engine->m_table);
        engine->m_codec = engine->m_table_codec.get();
        engine->m_options.model_name = table;
        engine->m_options.model_kind = "table";
        return engine;
    }
    LoadOptions options;
    options.llama2c_tokenizer_path = llama2c_tokenizer;
    engine->m_model = load_model_or_embedded(model, options);
    engine->m_tokenizer = require_tokenizer(*engine->m_model);
    engine->m_backend = engine->make_backend(kv, attention, cuda);
    engine->m_codec = &*engine->m_tokenizer;
    engine->m_options.model_name = model;
    engine->m_options.model_kind = "llama";
    engine->m_options.run_parameters = engine_parameters(kv, attention);
    return engine;
}

std::unique_ptr<Backend> LoadedEngine::make_backend(const KvConfig& kv, const AttentionConfig& attention,
                                                    bool cuda) const {
    if (!m_model) throw InvalidArgument("a table model has no KV cache or attention to configure");
    if (cuda) {
#ifdef DECODELAB_HAVE_CUDA
        // the GPU has no FlashAttention prefill yet: resolve_backend keeps --attention flash
        // on the CPU, so `attention` has nothing for this backend
        return std::make_unique<CudaBackend>(m_model->config, m_model->weights, kv);
#else
        throw UnsupportedError("--backend cuda: built without CUDA");
#endif
    }
    return std::make_unique<CpuBackend>(m_model->config, m_model->weights, kv, attention);
}

}  // namespace dlab::cli
