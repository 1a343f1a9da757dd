#include "run_engine.h"

#include "common/error.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"

RunEngine::RunEngine(const RunRequest& request) {
    const std::string model = request.model.toStdString();
    m_options.model_name = model;
    if (request.table) {
        m_table = dlab::load_table_model(model);
        m_tableCodec = std::make_unique<dlab::TableCodec>(*m_table);
        m_backend = std::make_unique<dlab::TableBackend>(*m_table);
        m_codec = m_tableCodec.get();
        m_options.model_kind = "table";
        return;
    }
    // FlashAttention's tiles assume every earlier position is visible (the CLI refuses the
    // same combination)
    if (request.attention.kind == dlab::AttentionKind::Flash && request.kv.kind == dlab::KvKind::Sliding)
        throw dlab::InvalidArgument("FlashAttention cannot be combined with a sliding-window KV cache: its tiles "
                                    "need every earlier position");
    dlab::LoadOptions options;
    options.llama2c_tokenizer_path = request.llama2cTokenizer.toStdString();
    m_model = dlab::load_model_or_embedded(model, options);
    if (!m_model->vocab) {
        if (!m_model->tokenizer_kind.empty())
            throw dlab::UnsupportedError(model + ": unsupported tokenizer '" + m_model->tokenizer_kind +
                                         "' (DecodeLab reads SentencePiece 'llama' vocabularies)");
        throw dlab::FormatError(model + ": the model has no tokenizer" +
                                (m_model->format == dlab::ModelFormat::Llama2c ? " (put tokenizer.bin beside it)" : ""));
    }
    m_tokenizer.emplace(*m_model->vocab);
    m_backend = std::make_unique<dlab::CpuBackend>(m_model->config, m_model->weights, request.kv, request.attention);
    m_codec = &*m_tokenizer;
    m_options.model_kind = "llama";
}
