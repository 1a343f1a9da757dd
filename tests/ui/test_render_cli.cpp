// `decodelab-cli render` end to end, run as a process on the golden traces: every view as a
// PNG of the requested size that is not blank, an SVG that parses as XML with the view's
// texts, a PDF whose page is the requested size, and CSV whose rows are what the trace
// says (the book's beams AB and AE, the pool statistics, the tile count, the book's
// bandwidths, the speculative rounds); the language and theme options as the app applies them; the whole
// window at a lesson's first pause (Tutorials panel, classroom mode); one line and exit code 2 for a
// corrupt trace, a step outside the trace, an unknown view or lesson and other bad input.
#include <QColor>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>
#include <algorithm>

#include "language.h"
#include "testing/cli_runner.h"
#include "testing/csv.h"
#include "trace/jsonl.h"
#include "trace/trace_timeline.h"
#include "views/narration_view.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

QString tracePath(const QString& name) {
    return QStringLiteral(DECODELAB_SOURCE_DIR "/tests/data/traces/") + name + QStringLiteral(".jsonl");
}

const TraceTimeline& timeline(const QString& name) {
    static QHash<QString, TraceTimeline> timelines;
    if (!timelines.contains(name))
        timelines.insert(name, TraceTimeline(read_jsonl_trace(tracePath(name).toStdString())));
    return timelines[name];
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}


// The share of pixels that differ from the most common colour (the background).
double drawnShare(const QImage& image) {
    QHash<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) ++counts[image.pixel(x, y)];
    const int background = *std::max_element(counts.cbegin(), counts.cend());
    return 1.0 - double(background) / (double(image.width()) * image.height());
}

QRgb mostCommonColour(const QImage& image) {
    QHash<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) ++counts[image.pixel(x, y)];
    return std::max_element(counts.cbegin(), counts.cend()).key();
}

// Every <text> element's content.
QStringList svgTexts(const QByteArray& svg, QString* error) {
    QStringList texts;
    QXmlStreamReader xml(svg);
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("text"))
            texts << xml.readElementText().trimmed();
    }
    if (xml.hasError()) *error = xml.errorString();
    return texts;
}

}  // namespace

class TestRenderCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pictures_data();
    void pictures();
    void beamTreeCsv();
    void candidatesCsv();
    void kvBlocksCsv();
    void flashTilesCsv();
    void memoryCsv();
    void narrationAndEventsCsv();
    void speculativeCsv();
    void compareRunsItsOwnGenerations();
    void lessonWindows();
    void language();
    void theme();
    void refusals();

private:
    // Renders and returns the process's result; fails the test unless it exits 0 silently.
    QString render(const QString& trace, const QString& view, int step, const QString& out,
                   const QStringList& extra = {});
    QList<QStringList> renderCsv(const QString& trace, const QString& view, int step);
    void expectRefusal(const QStringList& arguments, const QStringList& needles);

    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/test_render_cli-XXXXXX")};
};

void TestRenderCli::initTestCase() {
    QVERIFY(m_dir.isValid());
    for (const QString& name : QStringList{"textbook-beam", "paged-beam", "sample-topp", "flash-tiles", "speculative"})
        QVERIFY2(QFile::exists(tracePath(name)), qPrintable(tracePath(name) + " missing: scripts/make-golden-traces.sh"));
    // this process runs offscreen already; the CLI must choose that platform by itself
    qunsetenv("QT_QPA_PLATFORM");
}

QString TestRenderCli::render(const QString& trace, const QString& view, int step, const QString& out,
                              const QStringList& extra) {
    const QString path = m_dir.filePath(out);
    const QStringList arguments = QStringList{QStringLiteral("render"), QStringLiteral("--trace"), tracePath(trace),
                                              QStringLiteral("--view"), view, QStringLiteral("--step"),
                                              QString::number(step), QStringLiteral("--out"), path} +
                                  extra;
    const CliResult result = run_cli(arguments);
    if (result.exit_code != 0 || !result.err.isEmpty())
        qWarning("%s -> %d: %s", qPrintable(arguments.join(' ')), result.exit_code, qPrintable(result.err));
    return result.exit_code == 0 && result.err.isEmpty() ? path : QString();
}

QList<QStringList> TestRenderCli::renderCsv(const QString& trace, const QString& view, int step) {
    const QString path = render(trace, view, step, view + QStringLiteral(".csv"));
    return path.isEmpty() ? QList<QStringList>() : dlab::testing::parse_csv(QString::fromUtf8(readAll(path)));
}

void TestRenderCli::expectRefusal(const QStringList& arguments, const QStringList& needles) {
    const CliResult result = run_cli(QStringList{QStringLiteral("render")} + arguments);
    QVERIFY2(result.exit_code == 2,
             qPrintable(arguments.join(' ') + " -> " + QString::number(result.exit_code) + ": " + result.err));
    const QString err = result.err.trimmed();
    QVERIFY2(!err.isEmpty() && !err.contains(QLatin1Char('\n')), qPrintable("not one line: " + result.err));
    for (const QString& needle : needles)
        QVERIFY2(err.contains(needle), qPrintable(err + "  [missing: " + needle + "]"));
}

void TestRenderCli::pictures_data() {
    QTest::addColumn<QString>("view");
    QTest::addColumn<QString>("trace");
    QTest::addColumn<int>("step");
    QTest::newRow("beam-tree") << "beam-tree" << "textbook-beam" << 2;
    QTest::newRow("beam-tree paged") << "beam-tree" << "paged-beam" << 12;
    QTest::newRow("candidates") << "candidates" << "sample-topp" << 3;
    QTest::newRow("kv-blocks") << "kv-blocks" << "paged-beam" << 3;
    QTest::newRow("flash-tiles") << "flash-tiles" << "flash-tiles" << 0;
    QTest::newRow("memory") << "memory" << "flash-tiles" << 0;
    QTest::newRow("narration") << "narration" << "textbook-beam" << 2;
    QTest::newRow("speculative") << "speculative" << "speculative" << 3;
    QTest::newRow("events") << "events" << "textbook-beam" << 2;
}

void TestRenderCli::pictures() {
    QFETCH(QString, view);
    QFETCH(QString, trace);
    QFETCH(int, step);
    const QStringList size{QStringLiteral("--size"), QStringLiteral("800x450")};
    const QString stem = view + QLatin1Char('-') + trace;

    const QString png = render(trace, view, step, stem + QStringLiteral(".png"), size);
    QVERIFY(!png.isEmpty());
    const QImage image(png);
    QCOMPARE(image.size(), QSize(800, 450));
    // boxes, bars and words: well over a percent of the picture is not background
    QVERIFY2(drawnShare(image) > 0.01, qPrintable(QString::number(drawnShare(image))));

    const QString svg = render(trace, view, step, stem + QStringLiteral(".svg"), size);
    QVERIFY(!svg.isEmpty());
    const QByteArray svgBytes = readAll(svg);
    QVERIFY(svgBytes.contains("<svg"));
    QVERIFY(svgBytes.contains("viewBox=\"0 0 800 450\""));
    QString error;
    const QStringList texts = svgTexts(svgBytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!texts.isEmpty());

    // without --size: 1600 × 900 points
    const QString pdf = render(trace, view, step, stem + QStringLiteral(".pdf"));
    QVERIFY(!pdf.isEmpty());
    const QByteArray pdfBytes = readAll(pdf);
    QVERIFY(pdfBytes.startsWith("%PDF-"));
    QVERIFY(QRegularExpression(QStringLiteral("/MediaBox \\[0 0 1600(\\.0+)? 900(\\.0+)?\\]"))
                .match(QString::fromLatin1(pdfBytes))
                .hasMatch());
}

void TestRenderCli::beamTreeCsv() {
    // the book's example at step 2: AB and AE stay in the beam, both from A
    const QList<QStringList> rows = renderCsv(QStringLiteral("textbook-beam"), QStringLiteral("beam-tree"), 2);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows[0], QString("step,seq,token,text,logprob,score,state,prob,reason").split(','));
    QStringList kept;
    for (const QStringList& row : rows.mid(1))
        if (row[0] == QLatin1String("2") && row[6] == QLatin1String("kept")) kept << row[3];
    kept.sort();
    QCOMPARE(kept, QStringList({"B", "E"}));

    // the SVG carries the tree's words: the prompt's continuations and theirs
    const QString svg = render(QStringLiteral("textbook-beam"), QStringLiteral("beam-tree"), 2,
                               QStringLiteral("textbook.svg"));
    QString error;
    const QStringList texts = svgTexts(readAll(svg), &error);
    for (const QString& token : QStringList{"A", "B", "C", "E"}) QVERIFY2(texts.contains(token), qPrintable(token));
}

void TestRenderCli::candidatesCsv() {
    const StepEvent* step = timeline(QStringLiteral("sample-topp")).step_event(3);
    QVERIFY(step);
    const auto chosen = std::find_if(step->candidates.begin(), step->candidates.end(),
                                     [](const CandidateRecord& c) { return c.chosen; });
    QVERIFY(chosen != step->candidates.end());

    const QList<QStringList> rows = renderCsv(QStringLiteral("sample-topp"), QStringLiteral("candidates"), 3);
    QVERIFY(rows.size() > 1);
    QStringList header{"token", "text", "softmax"};
    for (const std::string& stage : step->stages) header << QString::fromStdString(stage);
    QCOMPARE(rows[0], header);
    // the token the sampler drew is listed with the text the trace gives it
    const auto row = std::find_if(rows.begin() + 1, rows.end(),
                                  [&](const QStringList& r) { return r[0] == QString::number(chosen->token); });
    QVERIFY(row != rows.end());
    QCOMPARE((*row)[1], QString::fromStdString(chosen->text));

    // step 0 is the prefill: no candidates, nothing to write
    expectRefusal({"--trace", tracePath("sample-topp"), "--view", "candidates", "--step", "0", "--out",
                   m_dir.filePath("empty.csv")},
                  {"no chart data"});
}

void TestRenderCli::kvBlocksCsv() {
    const TraceTimeline& paged = timeline(QStringLiteral("paged-beam"));
    const QList<QStringList> rows = renderCsv(QStringLiteral("paged-beam"), QStringLiteral("kv-blocks"), 3);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows[0], QString("step,reserved,used,free,shared").split(','));
    // one row per step, each the pool statistics the trace recorded after it
    QCOMPARE(rows.size() - 1, paged.last_step() + 1);
    for (int s = 0; s <= paged.last_step(); ++s) {
        const std::optional<KvStatsEvent> stats = paged.kv_at(s).stats;
        QVERIFY(stats);
        const QStringList expected{QString::number(s), QString::number(stats->slots_reserved),
                                   QString::number(stats->slots_used), QString::number(stats->free_blocks),
                                   QString::number(stats->shared_blocks)};
        QCOMPARE(rows[s + 1], expected);
    }
}

void TestRenderCli::flashTilesCsv() {
    const std::vector<const TileEvent*> tiles = timeline(QStringLiteral("flash-tiles")).tiles_at(0);
    QVERIFY(!tiles.empty());
    const QList<QStringList> rows = renderCsv(QStringLiteral("flash-tiles"), QStringLiteral("flash-tiles"), 0);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows[0].mid(0, 4), QString("index,kind,q_block,kv_block").split(','));
    // the prefill's one pass: every tile event in the order it was recorded
    QCOMPARE(rows.size() - 1, int(tiles.size()));
    for (size_t i = 0; i < tiles.size(); ++i) {
        QCOMPARE(rows[int(i) + 1][1], QString::fromStdString(tiles[i]->kind));
        QCOMPARE(rows[int(i) + 1][2], QString::number(tiles[i]->q_block));
        QCOMPARE(rows[int(i) + 1][3], QString::number(tiles[i]->kv_block));
    }
}

void TestRenderCli::memoryCsv() {
    const QList<QStringList> rows = renderCsv(QStringLiteral("flash-tiles"), QStringLiteral("memory"), 0);
    QVERIFY(rows.size() >= 4);
    QCOMPARE(rows[0], QString("source,level,bandwidth_bytes_per_s,capacity_bytes").split(','));
    // the textbook's Figure 3-2: 19 TB/s, 1.5 TB/s and 12.8 GB/s
    QCOMPARE(rows[1].mid(0, 3), QString("textbook,sram,19000000000000").split(','));
    QCOMPARE(rows[2].mid(0, 3), QString("textbook,hbm,1500000000000").split(','));
    QCOMPARE(rows[3].mid(0, 3), QString("textbook,dram,12800000000").split(','));
}

void TestRenderCli::narrationAndEventsCsv() {
    // one sentence for each step up to the shown one
    const QList<QStringList> sentences = renderCsv(QStringLiteral("textbook-beam"), QStringLiteral("narration"), 2);
    QCOMPARE(sentences.size(), 4);
    QCOMPARE(sentences[0], QString("step,sentence").split(','));
    for (int s = 0; s <= 2; ++s) QCOMPARE(sentences[s + 1][0], QString::number(s));

    // the events stamped with the step
    const QList<QStringList> events = renderCsv(QStringLiteral("textbook-beam"), QStringLiteral("events"), 2);
    QVERIFY(!events.isEmpty());
    QCOMPARE(events[0], QString("seq,type,summary").split(','));
    const std::vector<const Event*> atStep = timeline(QStringLiteral("textbook-beam")).events_at(2);
    QCOMPARE(events.size() - 1, int(atStep.size()));
    for (size_t i = 0; i < atStep.size(); ++i) {
        QCOMPARE(events[int(i) + 1][0], QString::number(atStep[i]->seq));
        QCOMPARE(events[int(i) + 1][1], QString::fromLatin1(event_type(*atStep[i])));
    }
}

void TestRenderCli::speculativeCsv() {
    // the rounds table: a row per spec_round event, whatever the step shown
    std::vector<const SpecRoundEvent*> rounds;
    for (const Event& e : timeline(QStringLiteral("speculative")).events())
        if (const auto* round = std::get_if<SpecRoundEvent>(&e.body)) rounds.push_back(round);
    QVERIFY(!rounds.empty());
    const QList<QStringList> rows = renderCsv(QStringLiteral("speculative"), QStringLiteral("speculative"), 2);
    QCOMPARE(rows.size() - 1, int(rounds.size()));
    QCOMPARE(rows[0].mid(0, 5), QString("round,step,gamma,drafted,accepted").split(','));
    for (size_t i = 0; i < rounds.size(); ++i) {
        const QStringList& row = rows[int(i) + 1];
        QCOMPARE(row[0], QString::number(rounds[i]->round));
        QCOMPARE(row[3], QString::number(rounds[i]->drafts.size()));
        QCOMPARE(row[4], QString::number(rounds[i]->accepted));
        QCOMPARE(row[8], QString::fromStdString(rounds[i]->token_kind));
    }
    // a trace without rounds has no table to write
    expectRefusal({"--trace", tracePath("textbook-beam"), "--view", "speculative", "--out",
                   m_dir.filePath("none.csv")},
                  {"no chart data"});
}

void TestRenderCli::language() {
    // the CLI's sentences are the app's in each language: the same view here, switched the
    // same way, tells the same story
    const TraceTimeline& book = timeline(QStringLiteral("textbook-beam"));
    for (const QString& code : Language::available()) {
        const QString path = render(QStringLiteral("textbook-beam"), QStringLiteral("narration"), 2,
                                    QStringLiteral("narration.") + code + QStringLiteral(".csv"),
                                    {QStringLiteral("--lang"), code});
        QVERIFY2(!path.isEmpty(), qPrintable(code));
        QVERIFY(Language::apply(code));
        NarrationView view;
        view.setTimeline(&book);
        view.showStep(2, false);
        QCOMPARE(QString::fromUtf8(readAll(path)), view.csv());
    }
    QVERIFY(Language::apply(Language::kEnglish));
}

void TestRenderCli::theme() {
    // the dark theme paints the window dark, the light one light
    for (const QString& theme : {QStringLiteral("light"), QStringLiteral("dark")}) {
        const QString path = render(QStringLiteral("flash-tiles"), QStringLiteral("memory"), 0,
                                    QStringLiteral("memory.") + theme + QStringLiteral(".png"),
                                    {QStringLiteral("--theme"), theme, QStringLiteral("--size"), QStringLiteral("640x360")});
        QVERIFY(!path.isEmpty());
        const int lightness = QColor(mostCommonColour(QImage(path))).lightness();
        if (theme == QLatin1String("dark"))
            QVERIFY2(lightness < 100, qPrintable(QString::number(lightness)));
        else
            QVERIFY2(lightness > 180, qPrintable(QString::number(lightness)));
    }
}

// The compare view has no trace: it runs the four demo strategies itself. Its greedy row
// must read what `generate` produces for the same prompt and length.
void TestRenderCli::compareRunsItsOwnGenerations() {
    const QString csv = m_dir.filePath(QStringLiteral("compare.csv"));
    const CliResult result = run_cli({"render", "--view", "compare", "--max-new-tokens", "6", "--out", csv});
    QVERIFY2(result.exit_code == 0, qPrintable(result.err));
    const QList<QStringList> rows = dlab::testing::parse_csv(QString::fromUtf8(readAll(csv)));
    QCOMPARE(rows.size(), 5);
    QCOMPARE(rows[0].mid(0, 3), QString("configuration,spec,text").split(','));
    QCOMPARE(rows[1][1], QStringLiteral("strategy=greedy"));

    const CliResult greedy = run_cli({"generate", "--prompt", "Once upon a time", "--max-new-tokens", "6", "--json"});
    QCOMPARE(greedy.exit_code, 0);
    const QJsonObject json = QJsonDocument::fromJson(greedy.out.toUtf8()).object();
    QCOMPARE(rows[1][2], json.value(QStringLiteral("text")).toString());

    const QString png = m_dir.filePath(QStringLiteral("compare.png"));
    QVERIFY(run_cli({"render", "--view", "compare", "--max-new-tokens", "4", "--size", "800x450", "--out", png})
                .exit_code == 0);
    QCOMPARE(QImage(png).size(), QSize(800, 450));
}

// The window views run a lesson's run in the whole window: a picture of the size asked for
// with something drawn, in either language.
void TestRenderCli::lessonWindows() {
    for (const char* view : {"tutorials", "classroom"}) {
        const QString png = m_dir.filePath(QStringLiteral("%1.png").arg(QLatin1String(view)));
        const CliResult result = run_cli(
            {"render", "--view", view, "--lesson", "01", "--size", "1200x700", "--lang", "zh_CN", "--out", png});
        QVERIFY2(result.exit_code == 0 && result.err.isEmpty(), qPrintable(result.err));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(1200, 700));
        QVERIFY2(drawnShare(image) > 0.05, qPrintable(QString::number(drawnShare(image))));
    }
    // classroom mode plays at the lesson's pace, 2 s a step in lesson 7; a run with no pause
    // (201 rounds) must still reach its end inside render's 120 s limit, not play in real time
    const QString end = m_dir.filePath(QStringLiteral("classroom-end.png"));
    const CliResult played =
        run_cli({"render", "--view", "classroom", "--lesson", "07", "--run", "2", "--out", end}, 180000);
    QVERIFY2(played.exit_code == 0 && played.err.isEmpty(), qPrintable(played.err));
    QVERIFY(!QImage(end).isNull());
}

void TestRenderCli::refusals() {
    const QString book = tracePath(QStringLiteral("textbook-beam"));
    const QString png = m_dir.filePath(QStringLiteral("refused.png"));

    QFile corrupt(m_dir.filePath(QStringLiteral("corrupt.jsonl")));
    QVERIFY(corrupt.open(QIODevice::WriteOnly));
    corrupt.write(readAll(book).left(300));
    corrupt.close();
    expectRefusal({"--trace", corrupt.fileName(), "--view", "beam-tree", "--out", png}, {corrupt.fileName()});
    expectRefusal({"--trace", m_dir.filePath("missing.jsonl"), "--view", "beam-tree", "--out", png},
                  {m_dir.filePath("missing.jsonl")});

    // the book's trace has steps 0 (the prompt) … 4
    expectRefusal({"--trace", book, "--view", "beam-tree", "--step", "99", "--out", png}, {"--step", "99", "0 to 4"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--step", "-1", "--out", png}, {"--step", "0 to 4"});

    expectRefusal({"--trace", book, "--view", "beams", "--out", png},
                  {"beams", "beam-tree", "candidates", "kv-blocks", "flash-tiles", "memory", "narration", "speculative",
                   "events", "tutorials", "classroom"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--out", m_dir.filePath("refused.gif")}, {".png", ".csv"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--out", png, "--size", "0x10"}, {"--size"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--out", png, "--size", "wide"}, {"--size", "wide"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--out", png, "--lang", "fr"}, {"--lang", "fr", "zh_CN"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--out", png, "--theme", "neon"}, {"--theme", "neon"});
    expectRefusal({"--trace", book, "--view", "beam-tree"}, {"--out"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--out", m_dir.filePath("no/such/dir/x.png")},
                  {m_dir.filePath("no/such/dir/x.png")});
    expectRefusal({"--trace", book, "--view", "compare", "--out", png}, {"--trace", "compare"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--prompt", "x", "--out", png}, {"--prompt", "compare"});
    // the window views run a lesson
    expectRefusal({"--view", "tutorials", "--out", png}, {"--lesson"});
    expectRefusal({"--view", "tutorials", "--lesson", "99", "--out", png}, {"--lesson", "99", "01-greedy-vs-beam"});
    expectRefusal({"--view", "classroom", "--lesson", "01", "--run", "99", "--out", png}, {"--run", "99"});
    expectRefusal({"--view", "tutorials", "--lesson", "01", "--out", m_dir.filePath("t.csv")}, {"--out", "picture"});
    expectRefusal({"--trace", book, "--view", "tutorials", "--lesson", "01", "--out", png}, {"--trace", "tutorials"});
    expectRefusal({"--trace", book, "--view", "beam-tree", "--lesson", "01", "--out", png}, {"--lesson", "tutorials"});
    QVERIFY(!QFile::exists(png));
}

QTEST_MAIN(TestRenderCli)
#include "test_render_cli.moc"
