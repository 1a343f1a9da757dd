#include "compare_runner.h"

#include <QThread>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <map>

#include "common/error.h"
#include "engine/session.h"
#include "run_engine.h"

namespace {

[[noreturn]] void refuse(const QString& message) { throw dlab::InvalidArgument(message.toStdString()); }

// The decoding options a spec may set: the CLI's names for GenerationConfig's fields.
const std::vector<std::string>& optionNames() {
    static const std::vector<std::string> names = {"strategy",
                                                   "max-new-tokens",
                                                   "num-beams",
                                                   "length-penalty",
                                                   "early-stopping",
                                                   "num-return-sequences",
                                                   "penalty-alpha",
                                                   "top-k",
                                                   "top-p",
                                                   "min-p",
                                                   "typical-p",
                                                   "temperature",
                                                   "repetition-penalty",
                                                   "no-repeat-ngram-size",
                                                   "chain-order",
                                                   "chain",
                                                   "seed",
                                                   "trace-top-n"};
    return names;
}

QString joinedOptionNames() {
    QStringList names;
    for (const std::string& name : optionNames()) names.append(QString::fromStdString(name));
    return names.join(QStringLiteral(", "));
}

// key → value, the last of a repeated key winning (as on the command line).
std::map<std::string, std::string> parsePairs(const QString& spec) {
    std::map<std::string, std::string> values;
    for (const QString& rawPair : spec.split(QLatin1Char(','))) {
        const QString pair = rawPair.trimmed();
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0)
            refuse(CompareRunner::tr("'%1': expected key=value pairs separated by commas").arg(spec));
        const std::string key = pair.left(eq).trimmed().toStdString();
        if (std::find(optionNames().begin(), optionNames().end(), key) == optionNames().end())
            refuse(CompareRunner::tr("'%1': unknown option '%2' (a comparison sets decoding options: %3)")
                       .arg(spec, QString::fromStdString(key), joinedOptionNames()));
        values[key] = pair.mid(eq + 1).trimmed().toStdString();
    }
    return values;
}

// A spec's values, read with the CLI's rules: whole-string integers and finite numbers;
// the ranges are GenerationConfig::validate()'s.
class SpecValues {
public:
    explicit SpecValues(std::map<std::string, std::string> values) : m_values(std::move(values)) {}

    bool has(const std::string& key) const { return m_values.count(key) > 0; }
    const std::string& text(const std::string& key) const { return m_values.at(key); }

    void integer(const std::string& key, int& field) const {
        if (!has(key)) return;
        const std::string& value = text(key);
        int parsed = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (ec != std::errc() || end != value.data() + value.size() || value.empty())
            refuse(CompareRunner::tr("%1: '%2' is not an integer")
                       .arg(QString::fromStdString(key), QString::fromStdString(value)));
        field = parsed;
    }

    void real(const std::string& key, float& field) const {
        if (!has(key)) return;
        const std::string& value = text(key);
        double parsed = 0.0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (ec != std::errc() || end != value.data() + value.size() || value.empty() ||
            !std::isfinite(parsed))
            refuse(CompareRunner::tr("%1: '%2' is not a number")
                       .arg(QString::fromStdString(key), QString::fromStdString(value)));
        field = static_cast<float>(parsed);
    }

    void seed(uint64_t& field) const {
        if (!has("seed")) return;
        const std::string& value = text("seed");
        uint64_t parsed = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (ec != std::errc() || end != value.data() + value.size() || value.empty())
            refuse(CompareRunner::tr("seed: '%1' is not a non-negative integer")
                       .arg(QString::fromStdString(value)));
        field = parsed;
    }

private:
    std::map<std::string, std::string> m_values;
};

QString number(double value) { return QString::number(value, 'g', 4); }

}  // namespace

CompareConfig parseCompareSpec(const QString& spec, const dlab::GenerationConfig& base) {
    CompareConfig out;
    out.spec = spec.trimmed();
    out.label = out.spec;
    try {
        const SpecValues values(parsePairs(out.spec));
        dlab::GenerationConfig c = base;
        if (values.has("strategy")) c.strategy = dlab::parse_strategy(values.text("strategy"));
        // the CLI's default: contrastive search weighs 4 candidates (sampling's top-k is 50)
        if (c.strategy == dlab::StrategyKind::Contrastive && !values.has("top-k")) c.top_k = 4;
        values.integer("max-new-tokens", c.max_new_tokens);
        values.integer("num-beams", c.num_beams);
        values.integer("num-return-sequences", c.num_return_sequences);
        values.integer("top-k", c.top_k);
        values.integer("no-repeat-ngram-size", c.no_repeat_ngram_size);
        values.integer("trace-top-n", c.trace_top_n);
        values.real("length-penalty", c.length_penalty);
        values.real("penalty-alpha", c.penalty_alpha);
        values.real("top-p", c.top_p);
        values.real("min-p", c.min_p);
        values.real("typical-p", c.typical_p);
        values.real("temperature", c.temperature);
        values.real("repetition-penalty", c.repetition_penalty);
        if (values.has("early-stopping"))
            c.early_stopping = dlab::parse_early_stopping(values.text("early-stopping"));
        if (values.has("chain-order")) c.chain_order = values.text("chain-order");
        // commas separate a spec's pairs, so a chain's stages are joined with '+'
        if (values.has("chain")) {
            c.chain.clear();
            for (const QString& stage : QString::fromStdString(values.text("chain")).split(QLatin1Char('+')))
                c.chain.push_back(stage.trimmed().toStdString());
        }
        values.seed(c.seed);
        c.validate();
        out.generation = c;
        out.label = compareLabel(c);
    } catch (const dlab::Error& e) {
        out.error = QString::fromUtf8(e.what());
    }
    return out;
}

QString compareLabel(const dlab::GenerationConfig& c) {
    const dlab::GenerationConfig defaults;
    QStringList parts;
    switch (c.strategy) {
        case dlab::StrategyKind::Greedy:
            parts << CompareRunner::tr("greedy");
            break;
        case dlab::StrategyKind::Beam:
            parts << CompareRunner::tr("beam k=%1").arg(c.num_beams);
            if (c.length_penalty != defaults.length_penalty)
                parts << CompareRunner::tr("lp=%1").arg(number(c.length_penalty));
            if (c.early_stopping != defaults.early_stopping)
                parts << CompareRunner::tr("early=%1")
                             .arg(QString::fromLatin1(dlab::early_stopping_name(c.early_stopping)));
            if (c.num_return_sequences != 1) parts << CompareRunner::tr("n=%1").arg(c.num_return_sequences);
            break;
        case dlab::StrategyKind::Contrastive:
            parts << CompareRunner::tr("contrastive α=%1 k=%2").arg(number(c.penalty_alpha)).arg(c.top_k);
            break;
        case dlab::StrategyKind::Sample:
            parts << CompareRunner::tr("sample");
            if (c.top_k != defaults.top_k) parts << CompareRunner::tr("top-k %1").arg(c.top_k);
            if (c.top_p != defaults.top_p) parts << CompareRunner::tr("top-p %1").arg(number(c.top_p));
            if (c.min_p != defaults.min_p) parts << CompareRunner::tr("min-p %1").arg(number(c.min_p));
            if (c.typical_p != defaults.typical_p)
                parts << CompareRunner::tr("typical-p %1").arg(number(c.typical_p));
            if (c.temperature != defaults.temperature)
                parts << CompareRunner::tr("T=%1").arg(number(c.temperature));
            if (c.repetition_penalty != defaults.repetition_penalty)
                parts << CompareRunner::tr("rep=%1").arg(number(c.repetition_penalty));
            if (c.no_repeat_ngram_size != 0)
                parts << CompareRunner::tr("no-repeat=%1").arg(c.no_repeat_ngram_size);
            if (c.chain_order != defaults.chain_order) parts << QString::fromStdString(c.chain_order);
            if (c.seed != defaults.seed) parts << CompareRunner::tr("seed=%1").arg(c.seed);
            break;
    }
    return parts.join(QLatin1Char(' '));
}

CompareRunner::CompareRunner(QObject* parent) : QObject(parent) { qRegisterMetaType<CompareResult>(); }

CompareRunner::~CompareRunner() {
    if (!m_thread) return;
    m_cancel = true;
    m_thread->wait();
}

bool CompareRunner::start(const RunRequest& request, const std::vector<CompareConfig>& configs) {
    if (m_thread) return false;
    m_cancel = false;
    m_cancelled = false;
    // the rows differ by their decoding options alone: each runs on the default KV cache
    // and attention
    RunRequest source;
    source.model = request.model;
    source.table = request.table;
    source.llama2cTokenizer = request.llama2cTokenizer;
    source.prompt = request.prompt;
    m_thread = QThread::create([this, source, configs] { runAll(source, configs); });
    m_thread->setParent(this);
    connect(m_thread, &QThread::finished, this, &CompareRunner::onThreadFinished);
    m_thread->start();
    return true;
}

void CompareRunner::post(std::function<void()> call) {
    // queued onto the runner's thread, in order, ahead of the thread's finished()
    QMetaObject::invokeMethod(this, std::move(call), Qt::QueuedConnection);
}

void CompareRunner::runAll(const RunRequest& request, const std::vector<CompareConfig>& configs) {
    // the model once, for every row; kept while the next comparison names the same one
    const bool sameModel =
        m_engine && m_engineRequest.model == request.model && m_engineRequest.table == request.table;
    if (!sameModel) {
        m_engine.reset();
        post([this, model = request.model] { Q_EMIT loadingModel(model); });
        try {
            m_engine = std::make_unique<RunEngine>(request);
            m_engineRequest = request;
        } catch (const std::exception& e) {
            const QString message = QString::fromUtf8(e.what());
            for (size_t row = 0; row < configs.size(); ++row)
                if (configs[row].error.isEmpty())
                    post([this, row, message] { Q_EMIT rowFailed(int(row), message); });
            return;
        }
    }
    const std::string prompt = request.prompt.toStdString();
    for (size_t i = 0; i < configs.size() && !m_cancel.load(); ++i) {
        if (!configs[i].error.isEmpty()) continue;
        const int row = int(i);
        post([this, row] { Q_EMIT rowStarted(row); });
        try {
            const std::optional<CompareResult> result = runOne(prompt, row, configs[i].generation);
            if (result) post([this, row, r = *result] { Q_EMIT rowFinished(row, r); });
        } catch (const std::exception& e) {
            post([this, row, message = QString::fromUtf8(e.what())] { Q_EMIT rowFailed(row, message); });
        }
    }
    m_cancelled = m_cancel.load();
}

std::optional<CompareResult> CompareRunner::runOne(const std::string& prompt, int row,
                                                   const dlab::GenerationConfig& config) {
    dlab::Session session(m_engine->backend(), m_engine->codec(), config, nullptr,
                          m_engine->sessionOptions());
    session.start(prompt);
    // the flag is read between steps, so Cancel ends the row after the step in flight
    while (!m_cancel.load()) {
        const bool more = session.step();
        post([this, row, step = session.current_step(), maxSteps = config.max_new_tokens] {
            Q_EMIT stepDone(row, step, maxSteps);
        });
        if (!more) break;
    }
    if (!session.finished()) return std::nullopt;

    const dlab::GenerationResult& result = session.result();
    CompareResult out;
    out.stopReason = QString::fromStdString(result.stop_reason);
    out.decodeTokensPerSecond = result.decode_tokens_per_s();
    if (result.sequences.empty()) return out;
    const dlab::SequenceRecord& best = result.sequences.front();
    out.text = QString::fromStdString(best.text);
    out.tokens = best.tokens;
    out.logprob = best.logprob;
    out.score = best.score;
    // each token's text after the one before it, as the session composed `text`
    int prev = result.prompt_tokens.empty() ? -1 : result.prompt_tokens.back();
    for (int token : best.tokens) {
        out.pieces.append(QString::fromStdString(m_engine->codec().piece(prev, token)));
        prev = token;
    }
    return out;
}

void CompareRunner::onThreadFinished() {
    m_thread->deleteLater();
    m_thread = nullptr;
    Q_EMIT finished(m_cancelled);
}
