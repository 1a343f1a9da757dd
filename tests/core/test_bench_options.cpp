// The benchmarks behind docs/PERFORMANCE.md refuse bad options the way decodelab-cli does:
// one line on stderr naming the option and the problem, exit code 2, before any work.
#include <QTest>

#include "testing/cli_runner.h"

using namespace dlab::testing;

namespace {

CliResult run_bench(const char* name, const QStringList& arguments) {
    return run_program(QStringLiteral(DECODELAB_BENCH_DIR "/") + QLatin1String(name), arguments, 60000);
}

}  // namespace

class TestBenchOptions : public QObject {
    Q_OBJECT

private slots:
    void badOptionsAreRefusedWithOneLineNamingThem_data() {
        QTest::addColumn<QString>("bench");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");

        const QStringList shape = {"--shape", "stories15M"};
        QTest::newRow("forward: threads not a number")
            << "decodelab-bench-forward" << (shape + QStringList{"--threads", "two"})
            << "--threads: 'two' is not an integer";
        QTest::newRow("forward: no repeats")
            << "decodelab-bench-forward" << (shape + QStringList{"--repeats", "0"})
            << "--repeats: 0 is outside [1, 10000]";
        QTest::newRow("forward: prompt of one token")
            << "decodelab-bench-forward" << (shape + QStringList{"--prompt-tokens", "1"})
            << "--prompt-tokens: 1 is outside [2, 1048576]";
        QTest::newRow("forward: neither model nor shape")
            << "decodelab-bench-forward" << QStringList{"--threads", "1"} << "exactly one of --model and --shape";
        QTest::newRow("forward: unknown option")
            << "decodelab-bench-forward" << (shape + QStringList{"--fast"}) << "unknown option --fast";
        QTest::newRow("forward: value missing")
            << "decodelab-bench-forward" << (shape + QStringList{"--decode-tokens"})
            << "option --decode-tokens needs a value";
        QTest::newRow("read: size of zero")
            << "decodelab-bench-read" << QStringList{"--sizes-mb", "64,0"} << "--sizes-mb: each size";
        QTest::newRow("kv: negative token count")
            << "decodelab-bench-kv" << QStringList{"--new-tokens", "-3"} << "--new-tokens: -3 is outside";
        QTest::newRow("kv: stray argument")
            << "decodelab-bench-kv" << QStringList{"model.gguf"} << "unexpected argument 'model.gguf'";
        QTest::newRow("speculative: draft length not a number")
            << "decodelab-bench-speculative" << QStringList{"--gammas", "2,x"}
            << "--gammas: each draft length must be an integer from 1 to 64, got 'x'";
        QTest::newRow("speculative: unknown backend")
            << "decodelab-bench-speculative" << QStringList{"--backend", "tpu"} << "--backend: cpu or cuda";
        QTest::newRow("speculative: unknown strategy")
            << "decodelab-bench-speculative" << QStringList{"--strategy", "fastest"} << "fastest";
    }

    void badOptionsAreRefusedWithOneLineNamingThem() {
        QFETCH(QString, bench);
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const CliResult r = run_bench(qPrintable(bench), arguments);
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
        const QString line = r.err.trimmed();
        QVERIFY2(!line.contains('\n'), qPrintable(r.err));
        QVERIFY2(line.startsWith(bench + ": "), qPrintable(r.err));
        QVERIFY2(line.contains(message), qPrintable(r.err));
    }
};

QTEST_APPLESS_MAIN(TestBenchOptions)
#include "test_bench_options.moc"
