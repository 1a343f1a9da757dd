#include "run_drafter.h"

#include <string>
#include <vector>

#include "common/error.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/model_drafter.h"
#include "engine/ngram_drafter.h"
#include "table/table_backend.h"
#ifdef DECODELAB_HAVE_CUDA
#include "cuda_backend.h"
#endif

namespace {

// A piece or symbol quoted for a one-line message, control bytes (byte tokens) as \xNN.
QString quoted(const std::string& text) {
    QString shown;
    std::string run;
    const auto flush = [&] {
        shown += QString::fromStdString(run);
        run.clear();
    };
    for (const unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            flush();
            shown += QStringLiteral("\\x") + QStringLiteral("%1").arg(int(c), 2, 16, QLatin1Char('0')).toUpper();
        } else {
            run += char(c);
        }
    }
    flush();
    return QStringLiteral("“%1”").arg(shown);
}

// The drafter proposes ids the target reads with its own vocabulary, so the two must agree
// on every id, not only on their number (which is all the core can check).
void checkSameVocabulary(const QString& what, const std::vector<std::string>& draft,
                         const std::vector<std::string>& target) {
    if (draft.size() != target.size())
        throw dlab::InvalidArgument(
            RunDrafter::tr("%1: the draft's vocabulary has %2 entries but the target's has %3; speculative sampling needs "
               "the target's vocabulary")
                .arg(what)
                .arg(draft.size())
                .arg(target.size())
                .toStdString());
    for (size_t id = 0; id < draft.size(); ++id)
        if (draft[id] != target[id])
            throw dlab::InvalidArgument(RunDrafter::tr("%1: entry %2 is %3 in the draft but %4 in the target; speculative "
                                           "sampling needs the target's vocabulary")
                                            .arg(what, QString::number(id), quoted(draft[id]), quoted(target[id]))
                                            .toStdString());
}

}  // namespace

RunDrafter::RunDrafter(const RunRequest& request, const RunEngine& target) {
    using Drafter = RunRequest::Drafter;
    if (request.drafter == Drafter::None) return;
    if (request.drafter == Drafter::PromptLookup) {
        m_drafter = std::make_unique<dlab::NgramDrafter>(target.codec().vocab_size(),
                                                         request.generation.max_matching_ngram_size);
        return;
    }
    const std::string file = request.draft.toStdString();
    if (request.drafter == Drafter::Table) {
        if (!target.table())
            throw dlab::InvalidArgument(tr("A draft table drafts for a table model; this model is a neural "
                                           "network: choose the draft model or prompt lookup")
                                            .toStdString());
        const QString what = tr("Draft table %1").arg(request.draft);
        try {
            m_table = dlab::load_table_model(file);
        } catch (const dlab::Error& e) {
            throw dlab::Error(QStringLiteral("%1: %2").arg(what, QString::fromUtf8(e.what())).toStdString());
        }
        checkSameVocabulary(what, m_table->symbols, target.table()->symbols);
        m_backend = std::make_unique<dlab::TableBackend>(*m_table);
        m_drafter = std::make_unique<dlab::ModelDrafter>(*m_backend, "table");
        return;
    }
    if (!target.vocab())
        throw dlab::InvalidArgument(
            tr("A table model drafts with a draft table of its symbols, not with a draft model").toStdString());
    const QString what = tr("Draft model %1").arg(request.draft);
    try {
        dlab::LoadOptions options;
        options.llama2c_tokenizer_path = request.llama2cTokenizer.toStdString();
        m_model = dlab::load_model_or_embedded(file, options);
    } catch (const dlab::Error& e) {
        throw dlab::Error(QStringLiteral("%1: %2").arg(what, QString::fromUtf8(e.what())).toStdString());
    }
    if (!m_model->vocab)
        throw dlab::FormatError(tr("%1: the model has no tokenizer").arg(what).toStdString());
    checkSameVocabulary(what, m_model->vocab->tokens, target.vocab()->tokens);
    // the draft's own KV cache is the default one: the target's layout is the lesson, not its
#ifdef DECODELAB_HAVE_CUDA
    if (target.onCuda()) m_backend = std::make_unique<dlab::CudaBackend>(m_model->config, m_model->weights);
#endif
    if (!m_backend) m_backend = std::make_unique<dlab::CpuBackend>(m_model->config, m_model->weights);
    m_drafter = std::make_unique<dlab::ModelDrafter>(*m_backend, "model");
}

// the drafter holds a reference to the backend: it goes first
RunDrafter::~RunDrafter() { m_drafter.reset(); }
