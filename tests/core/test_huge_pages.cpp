// 2 MB pages under the weights (common/huge_pages.h), checked against what the kernel
// reports in /proc/self/smaps: advised before the first write by the loaders, collapsed
// after by the backend. Skips where the system has no transparent huge pages, and the
// collapse checks where it has no MADV_COLLAPSE (Linux < 6.1).
#include <QFile>
#include <QTest>

#ifdef __linux__
#include <sys/mman.h>
#include <sys/utsname.h>
#endif

#include <QTemporaryDir>
#include <cstdint>
#include <cstdio>

#include "common/huge_pages.h"
#include "engine/cpu_backend.h"
#include "model/gguf_writer.h"
#include "model/model.h"
#include "model/random_model.h"

using namespace dlab;

namespace {

constexpr std::size_t kMiB = std::size_t(1) << 20;

// Why this system gives no 2 MB pages to advised memory, or empty when it does.
QString advice_unavailable() {
#ifdef __linux__
    QFile enabled("/sys/kernel/mm/transparent_hugepage/enabled");
    if (!enabled.open(QIODevice::ReadOnly)) return "no transparent huge pages in this kernel";
    if (enabled.readAll().contains("[never]")) return "transparent huge pages are set to never";
    return {};
#else
    return "not Linux";
#endif
}

// Why this system cannot collapse pages now, or empty when it can.
QString huge_pages_unavailable() {
#ifdef __linux__
    if (const QString why = advice_unavailable(); !why.isEmpty()) return why;
    utsname name{};
    uname(&name);
    int major = 0, minor = 0;
    std::sscanf(name.release, "%d.%d", &major, &minor);
    if (major < 6 || (major == 6 && minor < 1)) return "kernel older than 6.1 has no MADV_COLLAPSE";
    return {};
#else
    return "not Linux";
#endif
}

// The AnonHugePages line of the mapping in /proc/self/smaps that contains `address`, in bytes.
std::size_t anon_huge_bytes_at(const void* address) {
    QFile smaps("/proc/self/smaps");
    if (!smaps.open(QIODevice::ReadOnly)) return 0;
    const auto target = reinterpret_cast<std::uintptr_t>(address);
    bool inside = false;
    for (const QByteArray& line : smaps.readAll().split('\n')) {
        // a mapping's header starts "begin-end perms ..."; its fields start "Name:"
        const QByteArray first = line.left(line.indexOf(' '));
        const int dash = first.indexOf('-');
        bool begin_ok = false, end_ok = false;
        const auto begin = first.left(dash).toULongLong(&begin_ok, 16);
        const auto end = first.mid(dash + 1).toULongLong(&end_ok, 16);
        if (dash > 0 && begin_ok && end_ok) {
            inside = begin <= target && target < end;
        } else if (inside && line.startsWith("AnonHugePages:")) {
            return line.mid(14).trimmed().split(' ').first().toULongLong() * 1024;
        }
    }
    return 0;
}

#ifdef __linux__
// 12 MB of fresh anonymous memory starting on a 2 MB boundary, unmapped when it goes.
class AlignedMapping {
public:
    AlignedMapping() : m_raw(mmap(nullptr, kReserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) {}
    ~AlignedMapping() {
        if (ok()) munmap(m_raw, kReserve);
    }
    AlignedMapping(const AlignedMapping&) = delete;
    AlignedMapping& operator=(const AlignedMapping&) = delete;

    bool ok() const { return m_raw != MAP_FAILED; }
    char* base() const {
        return reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(m_raw) + 2 * kMiB - 1) & ~(2 * kMiB - 1));
    }
    // Writes a pattern over all 12 MB (the first write to them); intact() checks it.
    void fill() const {
        for (std::size_t i = 0; i < kWords; ++i) words()[i] = pattern(i);
    }
    bool intact() const {
        for (std::size_t i = 0; i < kWords; ++i)
            if (words()[i] != pattern(i)) return false;
        return true;
    }

private:
    static constexpr std::size_t kWords = 12 * kMiB / 4;
    static constexpr std::size_t kReserve = 14 * kMiB;
    static std::uint32_t pattern(std::size_t i) { return static_cast<std::uint32_t>(i * 2654435761u); }
    std::uint32_t* words() const { return reinterpret_cast<std::uint32_t*>(base()); }

    void* m_raw;
};
#endif

}  // namespace

class TestHugePages : public QObject {
    Q_OBJECT

private slots:
    // A 12 MB mapping on a 2 MB boundary; the range asked for is [1 MB, 11 MB) of it, so the
    // whole 2 MB pages inside are [2 MB, 10 MB): 8 MB, and the half pages at the ends stay small.
    void collapsesTheWholePagesInsideTheRange() {
#ifdef __linux__
        if (const QString why = huge_pages_unavailable(); !why.isEmpty()) QSKIP(qPrintable(why));
        const AlignedMapping mapping;
        QVERIFY(mapping.ok());
        mapping.fill();

        const std::size_t collapsed = request_huge_pages({{mapping.base() + 1 * kMiB, 10 * kMiB}});

        QCOMPARE(collapsed, 8 * kMiB);
        QCOMPARE(anon_huge_bytes_at(mapping.base() + 2 * kMiB), 8 * kMiB);
        QVERIFY2(mapping.intact(), "contents changed by the collapse");
#else
        QSKIP("not Linux");
#endif
    }

    // Advised before the first write, the same [1 MB, 11 MB) of a fresh mapping faults in its
    // whole pages [2 MB, 10 MB) as 2 MB pages, with no collapse; the rest stays small.
    void advisedMemoryFaultsInAsHugePages() {
#ifdef __linux__
        if (const QString why = advice_unavailable(); !why.isEmpty()) QSKIP(qPrintable(why));
        const AlignedMapping mapping;
        QVERIFY(mapping.ok());

        advise_huge_pages(mapping.base() + 1 * kMiB, 10 * kMiB);
        mapping.fill();

        QCOMPARE(anon_huge_bytes_at(mapping.base() + 2 * kMiB), 8 * kMiB);
        QVERIFY(mapping.intact());
#else
        QSKIP("not Linux");
#endif
    }

    // The loaders advise each matrix before filling it: a random model's and a GGUF file's
    // 37 MB embedding table sit on 2 MB pages before any backend has been built.
    void loadersAdviseBeforeTheyFill() {
        if (const QString why = advice_unavailable(); !why.isEmpty()) QSKIP(qPrintable(why));
        const Model model = random_model(stories15m_config(), 5, false);
        const RowMatrix& table = model.weights.token_embedding;  // [32000][288]
        QVERIFY(anon_huge_bytes_at(table.data() + table.size() / 2) >= 32 * kMiB);

        QTemporaryDir dir;
        const std::string path = dir.filePath("stories15M-shape.gguf").toStdString();
        write_model_gguf(model, path);
        const Model loaded = load_model(path);
        const RowMatrix& loaded_table = loaded.weights.token_embedding;
        QVERIFY(anon_huge_bytes_at(loaded_table.data() + loaded_table.size() / 2) >= 32 * kMiB);
        QVERIFY(loaded_table == table);
    }

    void leavesSmallRangesAlone() {
        std::vector<float> small(1 << 20);  // 4 MB, below the TLB's reach
        QCOMPARE(request_huge_pages({{small.data(), small.size() * sizeof(float)}}), std::size_t(0));
    }

    // The backend asks for them at construction: all but the partial pages at the ends of
    // the stories15M shape's 61 MB of weights.
    void backendPutsItsWeightsOnHugePages() {
        if (const QString why = huge_pages_unavailable(); !why.isEmpty()) QSKIP(qPrintable(why));
        const Model model = random_model(stories15m_config(), 3, false);
        const CpuBackend backend(model.config, model.weights);
        std::size_t weight_bytes = model.weights.token_embedding.size() * sizeof(float);
        for (const LayerWeights& l : model.weights.layers)
            for (const RowMatrix* m : l.matrices()) weight_bytes += m->size() * sizeof(float);
        QVERIFY2(backend.huge_page_bytes() >= weight_bytes - 8 * kMiB,
                 qPrintable(QString("%1 of %2 bytes").arg(backend.huge_page_bytes()).arg(weight_bytes)));
        QVERIFY(anon_huge_bytes_at(model.weights.token_embedding.data() + model.weights.token_embedding.size() / 2) > 0);
    }
};

QTEST_APPLESS_MAIN(TestHugePages)
#include "test_huge_pages.moc"
