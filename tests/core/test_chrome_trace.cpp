// Chrome trace export: a real paged beam run becomes valid trace-event JSON whose spans,
// instants and counters match the events they came from.
#include <QTest>
#include <nlohmann/json.hpp>

#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "model/random_model.h"
#include "tokenizer/tokenizer.h"
#include "trace/chrome_trace.h"
#include "trace/trace_sink.h"

using namespace dlab;

class TestChromeTrace : public QObject {
    Q_OBJECT

private slots:
    void paged_beam_run_exports_every_event() {
        const Model model = random_model(small_config(), 9);
        const Tokenizer tokenizer(*model.vocab);
        KvConfig kv;
        kv.kind = KvKind::Paged;
        kv.block_size = 2;
        AttentionConfig attention;
        attention.kind = AttentionKind::Flash;
        attention.tile_rows = 2;
        attention.tile_cols = 2;
        CpuBackend backend(model.config, model.weights, kv, attention);
        GenerationConfig config;
        config.strategy = StrategyKind::Beam;
        config.num_beams = 3;
        config.max_new_tokens = 5;
        config.stop_at_eos = false;
        MemoryTrace trace;
        Session session(backend, tokenizer, config, &trace);
        session.run("abc");

        const nlohmann::json chrome = nlohmann::json::parse(chrome_trace_json(trace.events()));
        const auto& out = chrome.at("traceEvents");
        // counted independently from the source events
        int steps = 0, kv_ops = 0, stats = 0, tiles = 0;
        for (const Event& e : trace.events()) {
            steps += std::holds_alternative<StepEvent>(e.body);
            kv_ops += std::holds_alternative<KvEvent>(e.body);
            stats += std::holds_alternative<KvStatsEvent>(e.body);
            tiles += std::holds_alternative<TileEvent>(e.body);
        }
        QVERIFY(kv_ops > 0 && tiles > 0);
        int begins = 0, ends = 0, instants_steps = 0, instants_kv = 0, counters = 0, spans = 0;
        for (const auto& e : out) {
            const std::string ph = e.at("ph");
            if (ph == "M") continue;
            QVERIFY(e.at("ts").is_number_unsigned());
            const int tid = e.at("tid");
            begins += ph == "B";
            ends += ph == "E";
            instants_steps += ph == "i" && tid == 2;
            instants_kv += ph == "i" && tid == 3;
            counters += ph == "C";
            spans += ph == "X";
            if (ph == "C") QVERIFY(e.at("args").at("used") <= e.at("args").at("reserved"));
        }
        QCOMPARE(begins, 2);  // prefill and decode
        QCOMPARE(ends, 2);
        QCOMPARE(instants_steps, steps);
        QCOMPARE(instants_kv, kv_ops);
        QCOMPARE(counters, stats);
        QCOMPARE(spans, tiles);
    }
};

QTEST_APPLESS_MAIN(TestChromeTrace)
#include "test_chrome_trace.moc"
