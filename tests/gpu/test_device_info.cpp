// Device facts from the CUDA runtime, and the CUDA backend's copy of them for the trace's
// run event; skipped where no device is present.
#include <QTest>

#include "common/error.h"
#include "cuda_backend.h"
#include "device_info.h"
#include "model/random_model.h"

using namespace dlab;

class TestDeviceInfo : public QObject {
    Q_OBJECT

private slots:
    void init() {
        if (cuda_device_count() == 0) QSKIP("no CUDA device");
    }

    void factsAreConsistent() {
        const DeviceInfo info = query_device(0);
        QVERIFY(!info.name.empty());
        QVERIFY(info.sm_count > 0);
        QVERIFY(info.compute_major >= 5);
        QVERIFY(info.shared_memory_per_block_optin >= 48 * 1024);
        QVERIFY(info.l2_bytes > 0);
        QVERIFY(info.global_memory_bytes > (1ull << 30));
        // HBM/GDDR bandwidth of any CUDA GPU in use lies between 50 GB/s and 20 TB/s
        QVERIFY(info.theoretical_bandwidth() > 50e9);
        QVERIFY(info.theoretical_bandwidth() < 20e12);
    }

    void backendReportsTheQueriedFacts() {
        const DeviceInfo info = query_device(0);
        const Model model = random_model(small_config(), 3);
        const CudaBackend backend(model.config, model.weights, KvConfig{});
        const std::map<std::string, std::string> facts = backend.device_facts();
        QCOMPARE(facts.at("name"), info.name);
        QCOMPARE(facts.at("sm_count"), std::to_string(info.sm_count));
        QCOMPARE(facts.at("l2_bytes"), std::to_string(info.l2_bytes));
        QCOMPARE(facts.at("shared_memory_per_block"), std::to_string(info.shared_memory_per_block_optin));
        QCOMPARE(facts.at("bandwidth_bytes_per_s"),
                 std::to_string(static_cast<long long>(info.theoretical_bandwidth())));
        QCOMPARE(facts.at("precision"), std::string("f32"));
    }

    void badIndexNamesTheCall() {
        try {
            query_device(cuda_device_count() + 5);
            QFAIL("expected a CUDA error");
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).contains("device_info.cu:"));
        }
    }
};

QTEST_APPLESS_MAIN(TestDeviceInfo)
#include "test_device_info.moc"
