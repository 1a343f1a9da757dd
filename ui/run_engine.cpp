#include "run_engine.h"

#include <QCoreApplication>

#include "common/error.h"
#include "embedded_models.h"
#include "engine/backend_choice.h"
#include "engine/cpu_backend.h"
#include "options/engine_parameters.h"
#ifdef DECODELAB_HAVE_CUDA
#include "cuda_backend.h"
#include "device_info.h"
#endif

namespace {

// Why a run cannot be on the CUDA GPU, as the app says it.
QString cpuReasonText(dlab::CpuReason reason) {
    switch (reason) {
    case dlab::CpuReason::None: break;
    case dlab::CpuReason::NotBuilt:
        return QCoreApplication::translate("RunEngine", "This build has no CUDA backend");
    case dlab::CpuReason::NoDevice: return QCoreApplication::translate("RunEngine", "No CUDA device");
    case dlab::CpuReason::SlidingKv:
        return QCoreApplication::translate("RunEngine", "The sliding-window KV cache runs only on the CPU for now");
    case dlab::CpuReason::FlashAttention:
        return QCoreApplication::translate("RunEngine", "FlashAttention runs only on the CPU for now");
    }
    return {};
}

// The backend the request resolves to with this build's CUDA backend (or none) and the
// devices this process sees. Throws UnsupportedError when the CUDA GPU was asked for and
// cannot run the request.
dlab::BackendResolution resolveHere(const RunRequest& request) {
    // resolved as Automatic, so that a refusal is worded here rather than as the CLI's option
    const dlab::BackendChoice choice =
        request.backend == dlab::BackendChoice::Cpu ? dlab::BackendChoice::Cpu : dlab::BackendChoice::Auto;
#ifdef DECODELAB_HAVE_CUDA
    const dlab::BackendResolution resolution =
        dlab::resolve_backend(choice, true, dlab::cuda_device_count(), request.kv, request.attention);
#else
    const dlab::BackendResolution resolution =
        dlab::resolve_backend(choice, false, 0, request.kv, request.attention);
#endif
    if (request.backend == dlab::BackendChoice::Cuda && !resolution.cuda)
        throw dlab::UnsupportedError(
            QCoreApplication::translate("RunEngine", "The CUDA GPU backend cannot run this: %1")
                .arg(cpuReasonText(resolution.reason))
                .toStdString());
    return resolution;
}

}  // namespace

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
        throw dlab::InvalidArgument(
            "FlashAttention cannot be combined with a sliding-window KV cache: its tiles "
            "need every earlier position");
    // before the model loads: a CUDA GPU that cannot be had is refused at once
    const dlab::BackendResolution resolution = resolveHere(request);
    dlab::LoadOptions options;
    options.llama2c_tokenizer_path = request.llama2cTokenizer.toStdString();
    m_model = dlab::load_model_or_embedded(model, options);
    if (!m_model->vocab) {
        if (!m_model->tokenizer_kind.empty())
            throw dlab::UnsupportedError(model + ": unsupported tokenizer '" + m_model->tokenizer_kind +
                                         "' (DecodeLab reads SentencePiece 'llama' vocabularies)");
        throw dlab::FormatError(
            model + ": the model has no tokenizer" +
            (m_model->format == dlab::ModelFormat::Llama2c ? " (put tokenizer.bin beside it)" : ""));
    }
    m_tokenizer.emplace(*m_model->vocab);
#ifdef DECODELAB_HAVE_CUDA
    // the GPU has no FlashAttention prefill yet: the resolution keeps flash on the CPU
    if (resolution.cuda) {
        m_backend = std::make_unique<dlab::CudaBackend>(m_model->config, m_model->weights, request.kv);
        m_cuda = true;
    }
#endif
    if (!m_backend)
        m_backend = std::make_unique<dlab::CpuBackend>(m_model->config, m_model->weights, request.kv,
                                                       request.attention);
    if (resolution.reason != dlab::CpuReason::None)
        m_backendNote = QCoreApplication::translate("RunEngine", "%1; running on the CPU")
                            .arg(cpuReasonText(resolution.reason));
    m_codec = &*m_tokenizer;
    m_options.model_kind = "llama";
    m_options.run_parameters = dlab::engine_parameters(request.kv, request.attention);
}
