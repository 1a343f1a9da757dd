// The models shipped in assets/models against what training recorded independently in
// PyTorch and sentencepiece: logits, tokenization, held-out loss, greedy continuation.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <set>

#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "tokenizer/tokenizer.h"

using namespace dlab;

namespace {

QString asset(const char* name) { return QString(DECODELAB_SOURCE_DIR "/assets/models/") + name; }

QJsonObject read_json(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<int> ids_of(const QJsonArray& array) {
    std::vector<int> ids;
    for (const QJsonValue& v : array) ids.push_back(v.toInt());
    return ids;
}

int64_t parameter_count(const ModelConfig& c) {
    const int64_t per_layer = 2LL * c.dim + 2LL * c.dim * c.dim + 2LL * c.dim * c.kv_dim() + 3LL * c.dim * c.hidden_dim;
    return int64_t(c.vocab_size) * c.dim * (c.tied_output ? 1 : 2) + c.n_layers * per_layer + c.dim;
}

}  // namespace

class TestEmbeddedModels : public QObject {
    Q_OBJECT

private:
    Model m_target;
    Model m_draft;
    std::optional<Tokenizer> m_tokenizer;

private slots:
    void initTestCase() {
        m_target = load_model_or_embedded("embedded:stories-target");
        m_draft = load_model_or_embedded("embedded:stories-draft");
        QVERIFY(m_target.vocab && m_draft.vocab);
        m_tokenizer.emplace(*m_target.vocab);
    }

    void shapesAreWhatTheIssueAsks() {
        const ModelConfig& t = m_target.config;
        QVERIFY(t.n_layers >= 4);
        QVERIFY(t.n_kv_heads < t.n_heads);
        QVERIFY(t.context_length >= 512);
        const int64_t target_params = parameter_count(t);
        QVERIFY2(target_params >= 2'000'000 && target_params <= 6'000'000, qPrintable(QString::number(target_params)));
        QVERIFY(parameter_count(m_draft.config) * 10 <= target_params);
        QVERIFY(t.vocab_size >= 1024 && t.vocab_size <= 2048);
        // one tokenizer for both
        QCOMPARE(m_draft.vocab->tokens, m_target.vocab->tokens);
        QCOMPARE(m_draft.vocab->scores, m_target.vocab->scores);
    }

    void logitsMatchPyTorch() {
        const QJsonObject fixture = read_json(asset("target-logits-fixture.json"));
        const std::vector<int> tokens = ids_of(fixture["tokens"].toArray());
        const QJsonArray expected = fixture["logits"].toArray();
        QCOMPARE(expected.size(), qsizetype(tokens.size()));
        CpuBackend backend(m_target.config, m_target.weights);
        ForwardOptions all;
        all.all_logits = true;
        const RowMatrix logits = backend.forward({{0, tokens}}, all)[0].logits;  // [n][vocab]
        double worst = 0.0;
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const QJsonArray row = expected[i].toArray();
            QCOMPARE(row.size(), qsizetype(m_target.config.vocab_size));
            double max_diff = 0.0, max_ref = 0.0;
            for (qsizetype v = 0; v < row.size(); ++v) {
                max_diff = std::max(max_diff, std::abs(logits(i, v) - row[v].toDouble()));
                max_ref = std::max(max_ref, std::abs(row[v].toDouble()));
            }
            worst = std::max(worst, max_diff / max_ref);
        }
        qInfo("max relative error against PyTorch: %.3g", worst);
        QVERIFY(worst <= 1e-4);
    }

    void tokenizerMatchesSentencePiece() {
        const QJsonObject fixture = read_json(asset("tokenizer-fixture.json"));
        const QJsonArray cases = fixture["cases"].toArray();
        QVERIFY(cases.size() >= 30);
        for (const QJsonValue& value : cases) {
            const std::string text = value["text"].toString().toStdString();
            QCOMPARE(m_tokenizer->encode(text, true), ids_of(value["ids"].toArray()));
        }
    }

    void everyCorpusCharacterRoundTrips() {
        const QJsonObject fixture = read_json(asset("tokenizer-fixture.json"));
        const QString characters = fixture["corpus_characters"].toString();
        QVERIFY(characters.size() >= 40);
        for (const QChar ch : characters) {
            const std::string text = QString(ch).toStdString();
            // after BOS the dummy-prefix space is dropped again, so decode gives the text back
            QCOMPARE(m_tokenizer->decode(m_tokenizer->encode(text, true)), text);
        }
        const std::string all = characters.toStdString();
        QCOMPARE(m_tokenizer->decode(m_tokenizer->encode(all, true)), all);
    }

    void heldOutLossMatchesTraining() {
        const QJsonObject report = read_json(asset("training_report.json"));
        QFile file(asset("heldout.txt"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList stories = QString::fromUtf8(file.readAll()).trimmed().split("\n\n");
        QCOMPARE(stories.size(), report["validation_stories"].toInt());

        // every story alone as [BOS] + tokens + [EOS]: predict each token after BOS
        CpuBackend backend(m_target.config, m_target.weights);
        ForwardOptions all;
        all.all_logits = true;
        double total = 0.0;
        int64_t count = 0;
        for (const QString& story : stories) {
            std::vector<int> tokens = m_tokenizer->encode(story.toStdString(), true);
            tokens.push_back(m_tokenizer->eos_id());
            const std::vector<int> inputs(tokens.begin(), tokens.end() - 1);
            const RowMatrix logits = backend.forward({{0, inputs}}, all)[0].logits;  // [n][vocab]
            backend.free_sequence(0);
            for (Eigen::Index i = 0; i < logits.rows(); ++i) {
                const double max_logit = logits.row(i).maxCoeff();
                double sum = 0.0;
                for (Eigen::Index v = 0; v < logits.cols(); ++v) sum += std::exp(logits(i, v) - max_logit);
                total += max_logit + std::log(sum) - logits(i, tokens[i + 1]);
                ++count;
            }
        }
        const double loss = total / double(count);
        const double recorded = report["validation_loss"].toDouble();
        qInfo("held-out loss %.5f over %lld tokens; training recorded %.5f over %d", loss, (long long)count, recorded,
              report["validation_tokens"].toInt());
        QCOMPARE(count, int64_t(report["validation_tokens"].toInt()));
        QVERIFY(std::abs(loss - recorded) <= 0.05 * recorded);
    }

    void greedyContinuationMatchesPyTorch() {
        const QJsonObject report = read_json(asset("training_report.json"));
        const QJsonObject first = report["continuations"].toArray()[0].toObject();
        QCOMPARE(first["prompt"].toString(), QString("Once upon a time"));
        const QJsonObject greedy = first["greedy"].toObject();

        CpuBackend backend(m_target.config, m_target.weights);
        GenerationConfig config;
        config.max_new_tokens = greedy["tokens"].toInt();
        Session session(backend, *m_tokenizer, config);
        const GenerationResult result = session.run("Once upon a time");
        qInfo("greedy: Once upon a time%s", result.text().c_str());
        QVERIFY(result.tokens().size() >= 40);
        QCOMPARE(QString::fromStdString(result.text()), greedy["text"].toString());
    }

    void sampledContinuationsDiffer() {
        CpuBackend backend(m_target.config, m_target.weights);
        std::set<std::string> texts;
        for (uint64_t seed = 1; seed <= 5; ++seed) {
            GenerationConfig config;
            config.strategy = StrategyKind::Sample;
            config.temperature = 1.0f;
            config.top_k = 0;
            config.max_new_tokens = 60;
            config.seed = seed;
            Session session(backend, *m_tokenizer, config);
            texts.insert(session.run("Once upon a time").text());
        }
        QCOMPARE(texts.size(), size_t(5));
    }
};

QTEST_APPLESS_MAIN(TestEmbeddedModels)
#include "test_embedded_models.moc"
