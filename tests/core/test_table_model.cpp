// Table models: the JSON loader and its errors, the table backend (longest-suffix lookup,
// logits = log p, hidden = embeddings, fork/truncate/free, batch refusal), the codec, and
// the three shipped tables. The shipped tables are checked against their raw JSON read
// here and walked by straight loops written here (exhaustive top-2 prefixes, greedy,
// contrastive scores), which makes these tests an oracle for the strategies' golden tests.
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "table/table_backend.h"
#include "table/table_model.h"

using namespace dlab;

namespace {

const std::string kTables = std::string(DECODELAB_SOURCE_DIR) + "/assets/tables/";

// A table file as written: symbols and next[context][symbol] = probability, with
// "fallback" moved to "" — read with the JSON library only, independent of the loader.
struct RawTable {
    std::vector<std::string> symbols;
    std::map<std::string, std::map<std::string, double>> next;

    explicit RawTable(const std::string& path) {
        std::ifstream in(path);
        const nlohmann::json j = nlohmann::json::parse(in);
        symbols = j.at("symbols").get<std::vector<std::string>>();
        using Distributions = std::map<std::string, std::map<std::string, double>>;
        if (j.contains("next")) next = j.at("next").get<Distributions>();
        if (j.contains("fallback")) next[""] = j.at("fallback").get<std::map<std::string, double>>();
    }

    // longest key that is a suffix of the context, trying the whole context first
    const std::map<std::string, double>& lookup(const std::vector<std::string>& context) const {
        for (size_t n = context.size() + 1; n-- > 0;) {
            std::string key;
            for (size_t i = context.size() - n; i < context.size(); ++i)
                key += (key.empty() ? "" : " ") + context[i];
            if (next.count(key)) return next.at(key);
        }
        throw std::logic_error("no '' entry");
    }
    double prob(const std::vector<std::string>& context, const std::string& symbol) const {
        const auto& d = lookup(context);
        return d.count(symbol) ? d.at(symbol) : 0.0;
    }
};

std::string joined(const std::vector<std::string>& symbols, const std::string& separator = "") {
    std::string text;
    for (size_t i = 0; i < symbols.size(); ++i) text += (i ? separator : "") + symbols[i];
    return text;
}

// Orders (symbol, probability) entries by probability, for std::max_element.
using Entry = std::pair<const std::string, double>;
bool by_probability(const Entry& a, const Entry& b) {
    return a.second < b.second;
}

int id_of(const TableModel& model, const std::string& symbol) {
    const auto it = std::find(model.symbols.begin(), model.symbols.end(), symbol);
    return it == model.symbols.end() ? -1 : int(it - model.symbols.begin());
}

// The expected logits row: log of `probs` (symbol → p), −inf for the rest.
void check_logits(const TableModel& model, const RowMatrix& logits, int row,
                  const std::map<std::string, double>& probs, const char* what) {
    QCOMPARE(logits.cols(), Eigen::Index(model.symbols.size()));
    for (size_t v = 0; v < model.symbols.size(); ++v) {
        const auto it = probs.find(model.symbols[v]);
        const float got = logits(row, Eigen::Index(v));
        const QString where =
            QString("%1: row %2 symbol %3").arg(what).arg(row).arg(model.symbols[v].c_str());
        if (it == probs.end()) {
            QVERIFY2(std::isinf(got) && got < 0, qPrintable(where + " should be -inf"));
        } else {
            QVERIFY2(std::abs(got - std::log(it->second)) < 1e-6,
                     qPrintable(where + QString(" got %1").arg(got)));
        }
    }
}

// Symbols A B C <eos>; keys chosen so that some shorter suffixes are missing while longer
// ones are present.
const char* kLookupTable = R"({
  "format": "decodelab-table", "version": 1,
  "symbols": ["A", "B", "C", "<eos>"],
  "next": {
    "":      {"A": 1.0},
    "B":     {"C": 1.0},
    "A B":   {"<eos>": 1.0},
    "C A B": {"B": 0.5, "C": 0.5},
    "B A C": {"B": 0.2, "A": 0.8},
    "C C":   {"A": 0.25, "B": 0.75}
  }
})";

// Symbols with chosen 2-d embeddings.
const char* kEmbeddingTable = R"({
  "format": "decodelab-table", "version": 1, "name": "emb",
  "symbols": ["A", "B", "C", "<eos>"],
  "context_length": 5,
  "next": {
    "A":   {"B": 0.5, "C": 0.3, "<eos>": 0.2},
    "A B": {"C": 1.0}
  },
  "fallback": {"A": 0.6, "B": 0.4},
  "embeddings": {"A": [1, 0], "B": [0, 1], "C": [0.5, -2], "<eos>": [-1, 0]}
})";

}  // namespace

class TestTableModel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const std::string& name, const std::string& text) {
        const std::string path = m_dir.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    // Loading `text` throws E whose message starts with the path and contains `needle`.
    template <typename E>
    void expect_error(const std::string& text, const std::string& needle) {
        const std::string path = write("bad.json", text);
        try {
            (void)load_table_model(path);
            QFAIL(qPrintable(QString::fromStdString("loaded without an error; expected: " + needle)));
        } catch (const E& e) {
            const std::string what = e.what();
            QVERIFY2(what.rfind(path + ": ", 0) == 0, what.c_str());
            QVERIFY2(what.find('\n') == std::string::npos, what.c_str());
            QVERIFY2(what.find(needle) != std::string::npos, (what + "  [missing: " + needle + "]").c_str());
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("wrong exception type: ") + e.what()));
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // ---- the shipped tables load, and say what their JSON says

    void shippedTablesLoad_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("vocab");
        QTest::addColumn<QString>("eos");
        QTest::addColumn<QString>("separator");
        QTest::newRow("textbook-beam") << "textbook-beam.json" << 7 << "<eos>" << "";
        QTest::newRow("top-p-adaptive") << "top-p-adaptive.json" << 19 << "<eos>" << " ";
        QTest::newRow("repetition-trap") << "repetition-trap.json" << 9 << "<eos>" << " ";
    }
    void shippedTablesLoad() {
        QFETCH(QString, file);
        QFETCH(int, vocab);
        QFETCH(QString, eos);
        QFETCH(QString, separator);
        const std::string path = kTables + file.toStdString();
        const TableModel model = load_table_model(path);
        const RawTable raw(path);

        QCOMPARE(model.symbols, raw.symbols);
        QCOMPARE(int(model.symbols.size()), vocab);
        QCOMPARE(model.eos_id, id_of(model, eos.toStdString()));
        QCOMPARE(QString::fromStdString(model.separator), separator);
        QVERIFY(!model.name.empty() && !model.description.empty());

        // every distribution is the file's, and sums to 1
        QCOMPARE(model.next.size(), raw.next.size());
        for (const auto& [context, probs] : model.next) {
            QVERIFY2(raw.next.count(context), context.c_str());
            QCOMPARE(probs.size(), model.symbols.size());
            double sum = 0.0;
            for (size_t v = 0; v < probs.size(); ++v) {
                const auto& written = raw.next.at(context);
                const double expected = written.count(model.symbols[v]) ? written.at(model.symbols[v]) : 0.0;
                QVERIFY2(std::abs(probs[v] - expected) < 1e-7, context.c_str());
                sum += probs[v];
            }
            QVERIFY2(std::abs(sum - 1.0) < 1e-6, context.c_str());
        }

        // no embeddings given: one-hot, and the config the Backend interface shows
        QCOMPARE(model.embeddings.rows(), Eigen::Index(vocab));
        QCOMPARE(model.embeddings.cols(), Eigen::Index(vocab));
        for (int i = 0; i < vocab; ++i)
            for (int k = 0; k < vocab; ++k) QCOMPARE(model.embeddings(i, k), i == k ? 1.0f : 0.0f);
        const ModelConfig config = model.config();
        QCOMPARE(config.vocab_size, vocab);
        QCOMPARE(config.dim, vocab);
        QCOMPARE(config.n_layers, 0);
        QCOMPARE(config.head_dim(), vocab);
        QCOMPARE(config.group_size(), 1);
        QCOMPARE(config.context_length, model.context_length);
    }

    // ---- the backend

    void longestSuffixWins_data() {
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("key");
        QTest::newRow("no key: fallback") << "A" << "";
        QTest::newRow("one symbol") << "C B" << "B";
        QTest::newRow("two symbols") << "A B" << "A B";
        QTest::newRow("longest of three") << "C A B" << "C A B";
        QTest::newRow("suffix of a longer context") << "B C A B" << "C A B";
        QTest::newRow("shorter key, longer context") << "A A B" << "A B";
        QTest::newRow("long key over missing short ones") << "B A C" << "B A C";
        QTest::newRow("short suffixes missing") << "A C" << "";
        QTest::newRow("two-symbol key inside") << "B C C" << "C C";
    }
    void longestSuffixWins() {
        QFETCH(QString, context);
        QFETCH(QString, key);
        const TableModel model = load_table_model(write("lookup.json", kLookupTable));
        const nlohmann::json written = nlohmann::json::parse(kLookupTable);
        const auto expected = written.at("next").at(key.toStdString()).get<std::map<std::string, double>>();

        TableBackend backend(model);
        std::vector<int> tokens;
        for (const QString& symbol : context.split(' ')) tokens.push_back(id_of(model, symbol.toStdString()));
        const auto out = backend.forward({{7, tokens}});
        QCOMPARE(out.size(), size_t(1));
        QCOMPARE(out[0].seq_id, 7);
        QCOMPARE(out[0].logits.rows(), Eigen::Index(1));
        QCOMPARE(out[0].hidden.size(), Eigen::Index(0));
        check_logits(model, out[0].logits, 0, expected, qPrintable(context));
    }

    void logitsAndHiddenPerPosition() {
        const TableModel model = load_table_model(write("emb.json", kEmbeddingTable));
        QCOMPARE(model.config().dim, 2);
        const int A = 0, B = 1, C = 2, EOS = 3;
        const std::map<std::string, double> after_a = {{"B", 0.5}, {"C", 0.3}, {"<eos>", 0.2}};
        const std::map<std::string, double> after_ab = {{"C", 1.0}};
        const std::map<std::string, double> fallback = {{"A", 0.6}, {"B", 0.4}};
        const float embedding[4][2] = {{1, 0}, {0, 1}, {0.5f, -2}, {-1, 0}};

        // prefill with every row: logits of each prefix, hidden = each token's embedding
        TableBackend backend(model);
        ForwardOptions all;
        all.all_logits = true;
        all.hidden = true;
        auto out = backend.forward({{0, {A, B, C}}}, all);
        QCOMPARE(out[0].logits.rows(), Eigen::Index(3));
        check_logits(model, out[0].logits, 0, after_a, "A");
        check_logits(model, out[0].logits, 1, after_ab, "A B");
        check_logits(model, out[0].logits, 2, fallback, "A B C");
        QCOMPARE(out[0].hidden.rows(), Eigen::Index(3));
        QCOMPARE(out[0].hidden.cols(), Eigen::Index(2));
        const int tokens[3] = {A, B, C};
        for (int i = 0; i < 3; ++i)
            for (int k = 0; k < 2; ++k) QCOMPARE(out[0].hidden(i, k), embedding[tokens[i]][k]);

        // last row only; hidden still covers every new position
        ForwardOptions last;
        last.hidden = true;
        out = backend.forward({{1, {B, A}}}, last);
        QCOMPARE(out[0].logits.rows(), Eigen::Index(1));
        check_logits(model, out[0].logits, 0, after_a, "B A");
        QCOMPARE(out[0].hidden.rows(), Eigen::Index(2));
        QCOMPARE(out[0].hidden(0, 1), 1.0f);
        QCOMPARE(out[0].hidden(1, 0), 1.0f);

        // a decode batch of both sequences, without hidden states
        out = backend.forward({{1, {B}}, {0, {EOS}}});
        QCOMPARE(out[0].seq_id, 1);
        QCOMPARE(out[1].seq_id, 0);
        check_logits(model, out[0].logits, 0, after_ab, "B A B");
        check_logits(model, out[1].logits, 0, fallback, "A B C <eos>");
        QCOMPARE(out[0].hidden.size(), Eigen::Index(0));
        QCOMPARE(backend.sequence_length(0), 4);
        QCOMPARE(backend.sequence_length(1), 3);
        QCOMPARE(backend.name(), std::string("table"));
        QCOMPARE(backend.config().vocab_size, 4);
    }

    void forkTruncateFree() {
        const TableModel model = load_table_model(write("lookup.json", kLookupTable));
        const int A = 0, B = 1, C = 2;
        TableBackend backend(model);
        backend.forward({{0, {C, A}}});

        // a fork continues from the source's symbols; the source is untouched
        backend.fork_sequence(0, 1);
        QCOMPARE(backend.sequence_length(1), 2);
        auto out = backend.forward({{1, {B}}, {0, {C}}});
        check_logits(model, out[0].logits, 0, {{"B", 0.5}, {"C", 0.5}}, "fork: C A B");
        check_logits(model, out[1].logits, 0, {{"A", 1.0}}, "source: C A C");
        QCOMPARE(backend.sequence_length(0), 3);
        QCOMPARE(backend.sequence_length(1), 3);

        // truncating drops the tail: "C A" + B again, then "C" + C
        backend.truncate_sequence(0, 2);
        out = backend.forward({{0, {B}}});
        check_logits(model, out[0].logits, 0, {{"B", 0.5}, {"C", 0.5}}, "truncated: C A B");
        backend.truncate_sequence(0, 1);
        out = backend.forward({{0, {C}}});
        check_logits(model, out[0].logits, 0, {{"A", 0.25}, {"B", 0.75}}, "truncated: C C");
        backend.truncate_sequence(0, 0);
        QCOMPARE(backend.sequence_length(0), 0);

        // freeing forgets the sequence; an id can then start afresh
        backend.free_sequence(1);
        QCOMPARE(backend.sequence_length(1), 0);
        out = backend.forward({{1, {B}}});
        check_logits(model, out[0].logits, 0, {{"C", 1.0}}, "fresh: B");
        backend.free_sequence(42);  // unknown: nothing to do

        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.fork_sequence(5, 6));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.truncate_sequence(1, 2));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.truncate_sequence(1, -1));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.truncate_sequence(9, 0));
    }

    void refusedBatchChangesNothing_data() {
        QTest::addColumn<int>("seq");
        QTest::addColumn<QList<int>>("tokens");
        QTest::addColumn<QString>("needle");
        QTest::newRow("token out of range") << 1 << QList<int>{0, 4} << "token id 4";
        QTest::newRow("negative token") << 1 << QList<int>{-1} << "token id -1";
        QTest::newRow("duplicate sequence") << 0 << QList<int>{1} << "appears twice";
        QTest::newRow("no new tokens") << 1 << QList<int>{} << "no new tokens";
        QTest::newRow("context full") << 1 << QList<int>{0, 1, 2, 0, 1, 2} << "context_length 5";
    }
    void refusedBatchChangesNothing() {
        QFETCH(int, seq);
        QFETCH(QList<int>, tokens);
        QFETCH(QString, needle);
        const TableModel model = load_table_model(write("emb.json", kEmbeddingTable));
        TableBackend backend(model);
        backend.forward({{0, {0}}});

        // the valid first entry must not be applied when a later one is refused
        const std::vector<SequenceInput> batch = {{0, {1}},
                                                  {seq, std::vector<int>(tokens.begin(), tokens.end())}};
        try {
            backend.forward(batch);
            QFAIL("the batch was accepted");
        } catch (const InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find(needle.toStdString()) != std::string::npos, e.what());
        }
        QCOMPARE(backend.sequence_length(0), 1);
        QCOMPARE(backend.sequence_length(1), 0);
        const auto out = backend.forward({{0, {1}}});
        check_logits(model, out[0].logits, 0, {{"C", 1.0}}, "A B after the refusal");
    }

    void backendRefusesMalformedHandBuiltModel() {
        TableModel model = load_table_model(write("lookup.json", kLookupTable));
        model.next.erase("");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TableBackend{model});
        model = load_table_model(write("lookup.json", kLookupTable));
        model.next["A"] = {1.0f};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TableBackend{model});
    }

    // ---- the codec

    void codecEncodesAndPieces() {
        TableModel model = load_table_model(write("lookup.json", kLookupTable));
        const TableCodec codec(model);
        QCOMPARE(codec.vocab_size(), 4);
        QCOMPARE(codec.eos_id(), 3);  // "<eos>" without an "eos" key
        QCOMPARE(codec.encode_prompt("A  B\tC\n"), (std::vector<int>{0, 1, 2}));
        QCOMPARE(codec.encode_prompt("   "), std::vector<int>{});
        try {
            (void)codec.encode_prompt("A Q");
            QFAIL("unknown symbol accepted");
        } catch (const InvalidArgument& e) {
            QCOMPARE(std::string(e.what()),
                     std::string("prompt: unknown symbol 'Q' (symbols: A, B, C, <eos>)"));
        }
        QCOMPARE(codec.piece(-1, 1), std::string("B"));
        QCOMPARE(codec.piece(0, 2), std::string("C"));
        QCOMPARE(codec.piece(2, 3), std::string(""));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, codec.piece(0, 4));

        // a separator goes between symbols, not before the first
        model.separator = " ";
        QCOMPARE(codec.piece(-1, 0), std::string("A"));
        QCOMPARE(codec.piece(0, 1), std::string(" B"));
        QCOMPARE(codec.piece(1, 3), std::string(""));
    }

    void codecListsAtMostTwentySymbols() {
        std::string symbols, next;
        for (int i = 0; i < 25; ++i) symbols += (i ? ", \"s" : "\"s") + std::to_string(i) + "\"";
        const TableModel model = load_table_model(write(
            "many.json", R"({"format": "decodelab-table", "version": 1, "symbols": [)" + symbols +
                             R"(], "fallback": {"s0": 1}})"));
        try {
            (void)TableCodec(model).encode_prompt("s3 nope");
            QFAIL("unknown symbol accepted");
        } catch (const InvalidArgument& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("'nope' (symbols: s0, s1, ") != std::string::npos, e.what());
            QVERIFY2(what.find("s19, …)") != std::string::npos, e.what());
            QVERIFY2(what.find("s20") == std::string::npos, e.what());
        }
    }

    // ---- format errors name the file, the entry and the problem

    void formatErrors_data() {
        QTest::addColumn<QString>("body");  // the members after "format" and "version"
        QTest::addColumn<QString>("needle");
        auto row = [](const char* name, const QString& body, const char* needle) {
            QTest::newRow(name) << body << needle;
        };
        const QString S = R"("symbols": ["A", "B", "<eos>"], )";
        const QString F = S + R"("fallback": {"A": 1}, )";
        row("unknown symbol in a distribution", S + R"("next": {"": {"A": 1}, "A B": {"A": 0.5, "Z": 0.5}})",
            "next['A B']: unknown symbol 'Z'");
        row("unknown symbol in a context", S + R"("next": {"": {"A": 1}, "A Z": {"A": 1}})",
            "next['A Z']: unknown symbol 'Z' in the context");
        row("context with double space", S + R"("next": {"": {"A": 1}, "A  B": {"A": 1}})",
            "next['A  B']: a context is symbols separated by single spaces");
        row("context with trailing space", S + R"("next": {"": {"A": 1}, "A ": {"A": 1}})",
            "next['A ']: a context is symbols");
        row("negative probability", S + R"("next": {"": {"A": 1}, "A": {"A": 1.5, "B": -0.5}})",
            "next['A']['B']: negative probability -0.5");
        row("sum below 1", S + R"("next": {"": {"A": 0.5, "B": 0.4}})",
            "next['']: probabilities sum to 0.9, not 1");
        row("sum above 1", S + R"("next": {"": {"A": 1}, "B": {"A": 0.5, "B": 0.3, "<eos>": 0.3}})",
            "next['B']: probabilities sum to 1.1, not 1");
        row("empty distribution", S + R"("next": {"": {}})", "next['']: probabilities sum to 0, not 1");
        row("probability not a number", S + R"("next": {"": {"A": "1"}})",
            "next['']['A']: expected a number, got string");
        row("distribution not an object", S + R"("next": {"": [1]})",
            "next['']: expected an object of symbol: probability, got array");
        row("duplicate symbol", R"("symbols": ["A", "B", "A"], "fallback": {"A": 1})",
            "symbols[2]: duplicate symbol 'A'");
        row("symbol with a space", R"("symbols": ["A", "B C"], "fallback": {"A": 1})",
            "symbols[1]: 'B C' contains whitespace");
        row("empty symbol", R"("symbols": ["A", ""], "fallback": {"A": 1})", "symbols[1]: empty symbol");
        row("symbol not a string", R"("symbols": ["A", 3], "fallback": {"A": 1})",
            "symbols[1]: expected a string, got number");
        row("missing symbols", R"("fallback": {"A": 1})", "missing \"symbols\"");
        row("empty symbols", R"("symbols": [], "fallback": {"A": 1})", "symbols: expected a non-empty array");
        row("eos not a symbol", F + R"("eos": "<end>")", "eos: '<end>' is not one of the symbols");
        row("no '' and no fallback", S + R"("next": {"A": {"B": 1}})",
            "next: no '' entry and no \"fallback\"");
        row("no next at all", S.chopped(2), "next: no '' entry and no \"fallback\"");
        row("both '' and fallback", F + R"("next": {"": {"A": 1}})", "fallback: next[''] is given too");
        row("fallback sum off", S + R"("fallback": {"A": 0.7})", "fallback: probabilities sum to 0.7");
        row("duplicate context", S + R"("next": {"": {"A": 1}, "A": {"B": 1}, "A": {"A": 1}})",
            "next: duplicate key 'A'");
        row("duplicate symbol in a distribution", S + R"("next": {"": {"A": 0.5, "A": 0.5}})",
            "next['']: duplicate key 'A'");
        row("duplicate top-level key", F + R"("eos": "A", "eos": "B")", ": duplicate key 'eos'");
        row("embedding of the wrong size",
            F + R"("embeddings": {"A": [1, 0], "B": [0, 1, 0], "<eos>": [1, 1]})",
            "embeddings['B']: 3 numbers, expected 2 like embeddings['A']");
        row("embedding missing", F + R"("embeddings": {"A": [1, 0], "B": [0, 1]})",
            "embeddings: no vector for symbol '<eos>'");
        row("embedding of an unknown symbol",
            F + R"("embeddings": {"A": [1], "B": [1], "<eos>": [1], "Z": [1]})",
            "embeddings: unknown symbol 'Z'");
        row("embedding not numbers", F + R"("embeddings": {"A": [1, "x"], "B": [1, 1], "<eos>": [1, 1]})",
            "embeddings['A'][1]: expected a number, got string");
        row("embedding all zeros", F + R"("embeddings": {"A": [1, 0], "B": [0, 0], "<eos>": [1, 1]})",
            "embeddings['B']: all zeros");
        row("empty embedding", F + R"("embeddings": {"A": [], "B": [1], "<eos>": [1]})",
            "embeddings['A']: expected a non-empty array of numbers");
        row("context_length zero", F + R"("context_length": 0)",
            "context_length: expected an integer from 1");
        row("name not a string", F + R"("name": 3)", "name: expected a string, got number");
        row("unknown key", F + R"("fallbak": {"A": 1})", "unknown key 'fallbak' (known: format,");
    }

    void formatErrors() {
        QFETCH(QString, body);
        QFETCH(QString, needle);
        const std::string header = R"({"format": "decodelab-table", "version": 1, )";
        expect_error<FormatError>(header + body.toStdString() + "}", needle.toStdString());
    }

    void invalidJsonGivesLineAndColumn() {
        // the missing comma is on line 4
        const std::string text = R"({
  "format": "decodelab-table",
  "version": 1,
  "symbols": ["A" "B"]
})";
        expect_error<FormatError>(text, "invalid JSON: parse error at line 4, column ");
        expect_error<FormatError>("[1, 2]", "expected a JSON object, got array");
    }

    void headerErrors() {
        expect_error<FormatError>(R"({"version": 1, "symbols": ["A"], "fallback": {"A": 1}})",
                                  "format: expected \"format\": \"decodelab-table\"");
        expect_error<FormatError>(R"({"format": "gguf", "version": 1})", "format: expected");
        expect_error<FormatError>(R"({"format": "decodelab-table", "symbols": ["A"], "fallback": {"A": 1}})",
                                  "version: expected \"version\": 1");
        expect_error<UnsupportedError>(
            R"({"format": "decodelab-table", "version": 2, "symbols": ["A"], "fallback": {"A": 1}})",
            "version: 2 is newer than this DecodeLab reads (1)");
    }

    void missingFileIsAnError() {
        const std::string path = m_dir.filePath("absent.json").toStdString();
        try {
            (void)load_table_model(path);
            QFAIL("loaded a missing file");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).rfind(path + ": cannot open", 0) == 0, e.what());
        }
    }

    void defaultsAndFallback() {
        const std::string path =
            write("minimal.json", R"({"format": "decodelab-table", "version": 1, "symbols": ["x", "y"],
                                      "next": {"x": {"y": 1}}, "fallback": {"x": 0.25, "y": 0.75}})");
        const TableModel model = load_table_model(path);
        QCOMPARE(model.name, std::string("minimal"));  // the file's stem
        QCOMPARE(model.path, path);
        QCOMPARE(model.eos_id, -1);                    // no "<eos>" symbol, no "eos" key
        QCOMPARE(model.context_length, 64);
        QCOMPARE(model.separator, std::string(""));
        QCOMPARE(model.next.at(""), (std::vector<float>{0.25f, 0.75f}));
        QCOMPARE(model.next.at("x"), (std::vector<float>{0.0f, 1.0f}));

        // a sum within 1e-6 is accepted and renormalized
        const TableModel thirds = load_table_model(write(
            "thirds.json", R"({"format": "decodelab-table", "version": 1, "symbols": ["x", "y", "z"],
                               "fallback": {"x": 0.3333333, "y": 0.3333333, "z": 0.3333334}})"));
        const std::vector<float>& p = thirds.next.at("");
        QVERIFY(std::abs(double(p[0]) + p[1] + p[2] - 1.0) < 1e-7);
    }

    // ---- the shipped tables do what docs/table-format.md says

    // Every sequence of the textbook table walked from the prompt <s>; at each length the
    // two most probable prefixes are the book's beams, each extending a beam of the step
    // before (so beam search with k = 2 keeps exactly them), and greedy ends lower.
    void textbookBeamsByExhaustiveSearch() {
        const RawTable table(kTables + "textbook-beam.json");
        struct Prefix {
            std::vector<std::string> symbols;
            double logprob;
        };
        std::map<int, std::vector<Prefix>> by_length;  // length → every prefix of that length
        std::function<void(Prefix)> walk = [&](Prefix prefix) {
            std::vector<std::string> context = {"<s>"};
            context.insert(context.end(), prefix.symbols.begin(), prefix.symbols.end());
            const auto& next = table.lookup(context);
            if (prefix.symbols.size() == 3) {
                // after three symbols everything ends
                QCOMPARE(next.size(), size_t(1));
                QCOMPARE(next.begin()->first, std::string("<eos>"));
                QCOMPARE(next.begin()->second, 1.0);
                return;
            }
            for (const auto& [symbol, p] : next) {
                QVERIFY2(symbol != "<eos>", "a sequence ends before three symbols");
                if (p == 0.0) continue;
                Prefix longer{prefix.symbols, prefix.logprob + std::log(p)};
                longer.symbols.push_back(symbol);
                by_length[int(longer.symbols.size())].push_back(longer);
                walk(longer);
            }
        };
        walk({{}, 0.0});

        const std::vector<std::set<std::string>> book = {{"A", "C"}, {"AB", "AE"}, {"ABC", "AED"}};
        std::set<std::string> previous = {""};
        for (int length = 1; length <= 3; ++length) {
            std::vector<Prefix>& all = by_length[length];
            QVERIFY(all.size() > 2);
            std::sort(all.begin(), all.end(),
                      [](const Prefix& a, const Prefix& b) { return a.logprob > b.logprob; });
            QVERIFY2(all[1].logprob > all[2].logprob + 1e-3, "the second and third prefixes nearly tie");
            std::set<std::string> top2;
            for (int i = 0; i < 2; ++i) {
                const std::string text = joined(all[i].symbols);
                top2.insert(text);
                const std::string parent = text.substr(0, text.size() - 1);
                QVERIFY2(previous.count(parent), qPrintable(QString::fromStdString(text)));
            }
            QCOMPARE(top2, book[length - 1]);
            previous = top2;
        }
        // the best beam: ABC = 0.45 · 0.55 · 0.9
        const double best = by_length[3][0].logprob;
        QCOMPARE(joined(by_length[3][0].symbols), std::string("ABC"));
        QVERIFY(std::abs(best - std::log(0.22275)) < 1e-9);

        // greedy: the most probable next symbol at each step, until <eos>
        std::vector<std::string> greedy;
        double greedy_logprob = 0.0;
        for (std::vector<std::string> context = {"<s>"};;) {
            const auto& next = table.lookup(context);
            const auto top = std::max_element(next.begin(), next.end(), by_probability);
            greedy_logprob += std::log(top->second);
            if (top->first == "<eos>") break;
            greedy.push_back(top->first);
            context.push_back(top->first);
        }
        // CEA = 0.5 · 0.35 · 0.6, below both beams
        QCOMPARE(joined(greedy), std::string("CEA"));
        QVERIFY(std::abs(greedy_logprob - std::log(0.105)) < 1e-9);
        QVERIFY(greedy_logprob < best);
        QVERIFY(greedy_logprob < by_length[3][1].logprob);
    }

    // top_p = 0.9 keeps 8 symbols at the flat step and 1 at the peaked one; no single
    // top_k keeps the same sets at both steps.
    void topPAdaptsWhereTopKCannot() {
        const RawTable table(kTables + "top-p-adaptive.json");
        auto sorted_probs = [&](const std::vector<std::string>& context) {
            std::vector<std::pair<double, std::string>> probs;
            for (const auto& [symbol, p] : table.lookup(context)) probs.push_back({p, symbol});
            std::sort(probs.rbegin(), probs.rend());
            return probs;
        };
        auto top_p = [](const std::vector<std::pair<double, std::string>>& probs, double p) {
            std::set<std::string> kept;
            double cumulative = 0.0;
            for (const auto& [prob, symbol] : probs) {
                if (cumulative >= p) break;
                kept.insert(symbol);
                cumulative += prob;
            }
            return kept;
        };
        const auto flat = sorted_probs({"the"});
        const std::set<std::string> animals = {"cat", "dog", "fox", "owl", "cow", "pig", "hen", "bee"};
        QCOMPARE(top_p(flat, 0.9), animals);
        for (const std::string& animal : animals) {
            const auto peaked = sorted_probs({"the", animal});
            QCOMPARE(top_p(peaked, 0.9), std::set<std::string>{"sat"});
            QCOMPARE(peaked[0].first, 0.92);
        }
        const auto peaked = sorted_probs({"the", "cat"});
        const int n_vocab = int(table.symbols.size());
        for (int k = 1; k <= n_vocab; ++k) {
            const int at_flat = std::min<int>(k, int(flat.size()));
            const int at_peaked = std::min<int>(k, int(peaked.size()));
            QVERIFY2(at_flat != 8 || at_peaked != 1, qPrintable(QString("top_k %1 matches top_p").arg(k)));
        }
    }

    // Greedy loops "think that I …"; contrastive search (α 0.6, top_k 3, one-hot hidden
    // states) escapes at step 3 with scores I −0.36, you 0.12, it 0.04; and the loop beats
    // every finished sequence per token, so length-normalized beam search keeps looping.
    void repetitionTrapGreedyLoopsContrastiveEscapes() {
        const RawTable table(kTables + "repetition-trap.json");
        const TableModel model = load_table_model(kTables + "repetition-trap.json");

        std::vector<std::string> context = {"I"};
        for (int step = 0; step < 12; ++step) {
            const auto& next = table.lookup(context);
            context.push_back(std::max_element(next.begin(), next.end(), by_probability)->first);
        }
        QCOMPARE(joined(context, " "), std::string("I think that I think that I think that I think that I"));

        // contrastive search with cosines of the model's (one-hot) embeddings
        auto cosine = [&](const std::string& a, const std::string& b) {
            const auto u = model.embeddings.row(id_of(model, a)), v = model.embeddings.row(id_of(model, b));
            return double(u.dot(v)) / (double(u.norm()) * double(v.norm()));
        };
        const double alpha = 0.6;
        const int top_k = 3;
        context = {"I"};
        std::map<std::string, double> escape_scores;
        while (context.back() != "<eos>" && context.size() < 20) {
            std::vector<std::pair<double, std::string>> probs;
            for (const std::string& symbol : table.symbols)
                probs.push_back({table.prob(context, symbol), symbol});
            std::stable_sort(probs.begin(), probs.end(),
                             [](const auto& a, const auto& b) { return a.first > b.first; });
            std::string best;
            double best_score = -1e9;
            for (int i = 0; i < top_k; ++i) {
                double penalty = -1.0;
                for (const std::string& c : context) penalty = std::max(penalty, cosine(probs[i].second, c));
                const double score = (1 - alpha) * probs[i].first - alpha * penalty;
                if (context.size() == 3) escape_scores[probs[i].second] = score;
                if (score > best_score) best_score = score, best = probs[i].second;
            }
            context.push_back(best);
        }
        QCOMPARE(joined(context, " "), std::string("I think that you know . <eos>"));
        QCOMPARE(escape_scores.size(), size_t(3));
        QVERIFY(std::abs(escape_scores["I"] - (0.4 * 0.6 - 0.6 * 1.0)) < 1e-12);
        QVERIFY(std::abs(escape_scores["you"] - 0.4 * 0.3) < 1e-12);
        QVERIFY(std::abs(escape_scores["it"] - 0.4 * 0.1) < 1e-12);

        // every finished sequence of up to 12 symbols averages less log-probability per
        // symbol (counting <eos>) than the loop: ln(0.9 · 0.9 · 0.6) / 3
        const double loop_rate = std::log(0.9 * 0.9 * 0.6) / 3;
        double best_finished = -1e9;
        std::function<void(std::vector<std::string>&, double)> walk;
        walk = [&](std::vector<std::string>& seq, double lp) {
            const int generated = int(seq.size()) - 1;
            if (seq.back() == "<eos>") {
                best_finished = std::max(best_finished, lp / generated);
                return;
            }
            if (generated == 12) return;
            for (const auto& [symbol, p] : table.lookup(seq)) {
                seq.push_back(symbol);
                walk(seq, lp + std::log(p));
                seq.pop_back();
            }
        };
        std::vector<std::string> seq = {"I"};
        walk(seq, 0.0);
        QVERIFY2(best_finished < loop_rate - 0.05,
                 qPrintable(QString("%1 vs %2").arg(best_finished).arg(loop_rate)));
    }
};

QTEST_APPLESS_MAIN(TestTableModel)
#include "test_table_model.moc"
