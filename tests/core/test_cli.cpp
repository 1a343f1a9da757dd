// decodelab-cli end to end: generate and inspect on real model files written to disk,
// and one line plus exit code 2 for every kind of bad input.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "model/gguf_writer.h"
#include "model/random_model.h"
#include "testing/cli_runner.h"
#include "testing/gguf_surgery.h"
#include "testing/reference_forward.h"
#include "trace/jsonl.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

QJsonObject parse_object(const QString& text) {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) qWarning("not JSON: %s", qPrintable(text.left(400)));
    return doc.object();
}

std::vector<int> to_ids(const QJsonArray& array) {
    std::vector<int> ids;
    for (const QJsonValue& v : array) ids.push_back(v.toInt());
    return ids;
}

// simple_vocab's layout, worked out by hand: 0 <unk>, 1 <s>, 2 </s>, 3…258 bytes 0x00…0xFF,
// 259 "▁", 260…285 'a'…'z', the rest unused (decoded as nothing). A continuation never
// follows BOS directly here, so "▁" is always a space.
std::string hand_decode(const std::vector<int>& tokens) {
    std::string text;
    for (int t : tokens) {
        if (t >= 3 && t <= 258) text += char(t - 3);
        else if (t == 259) text += ' ';
        else if (t >= 260 && t <= 285) text += char('a' + t - 260);
    }
    return text;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Model m_model;
    std::string m_gguf;

    std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }
    QString qfile(const char* name) const { return m_dir.filePath(name); }

    // Exit code 2 and exactly one line on stderr containing every needle.
    void expect_refusal(const QStringList& args, const QStringList& needles) {
        const CliResult r = run_cli(args);
        QVERIFY2(r.exit_code == 2, qPrintable(args.join(' ') + " -> " + QString::number(r.exit_code) + ": " + r.err));
        const QString err = r.err.trimmed();
        QVERIFY2(!err.isEmpty() && !err.contains('\n'), qPrintable("not one line: " + r.err));
        for (const QString& needle : needles)
            QVERIFY2(err.contains(needle), qPrintable(err + "  [missing: " + needle + "]"));
    }

    // The speculative summary of a run that generated `generated` tokens: every field, each
    // consistent with the others.
    void check_speculative(const QJsonObject& s, const QString& drafter, int generated) {
        for (const char* key : {"drafter", "schedule", "rounds", "target_passes", "draft_passes", "drafted", "accepted",
                                "rejected", "generated", "alpha", "mean_gamma", "tokens_per_target_pass",
                                "expected_tokens_per_target_pass", "target_passes_saved", "draft_ms", "target_ms"})
            QVERIFY2(s.contains(key), key);
        QCOMPARE(s["drafter"].toString(), drafter);
        const int rounds = s["rounds"].toInt(), accepted = s["accepted"].toInt(), rejected = s["rejected"].toInt();
        const int target_passes = s["target_passes"].toInt();
        QCOMPARE(s["generated"].toInt(), generated);
        QVERIFY(rounds >= 1 && rounds <= generated);
        QVERIFY(accepted >= 0 && accepted <= s["drafted"].toInt());
        QVERIFY(rejected >= 0 && rejected <= rounds);
        QVERIFY(target_passes <= rounds);
        // every round adds the accepted drafts and one token of the target's (the last may be cut)
        QVERIFY(generated <= accepted + rounds);
        const double alpha = s["alpha"].toDouble();
        QVERIFY(qAbs(alpha - (accepted + rejected > 0 ? double(accepted) / (accepted + rejected) : 0.0)) < 1e-9);
        QVERIFY(qAbs(s["tokens_per_target_pass"].toDouble() - double(generated) / rounds) < 1e-9);
        QVERIFY(s["expected_tokens_per_target_pass"].toDouble() >= 1.0);
        QCOMPARE(s["target_passes_saved"].toInt(), std::max(0, generated - 1) - target_passes);
        if (drafter == "ngram") QCOMPARE(s["draft_passes"].toInt(), 0);
        else QVERIFY(s["draft_passes"].toInt() >= s["drafted"].toInt());
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        ModelConfig config = small_config();
        config.context_length = 24;
        m_model = random_model(config, 5);
        m_gguf = file("model.gguf");
        write_model_gguf(m_model, m_gguf);
    }

    void generateJsonMatchesReferenceGreedy() {
        const CliResult r = run_cli({"generate", "--model", qfile("model.gguf"), "--prompt", "ab", "--max-new-tokens",
                                     "6", "--threads", "2", "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QJsonObject j = parse_object(r.out);
        // " ab" → "▁", "a", "b" (no merges exist in this vocabulary), after BOS
        const std::vector<int> prompt = to_ids(j["prompt_tokens"].toArray());
        QCOMPARE(prompt, (std::vector<int>{1, 259, 260, 261}));
        const std::vector<int> tokens = to_ids(j["tokens"].toArray());
        const std::vector<int> expected = reference_greedy(m_model.config, m_model.weights, prompt, 6);
        if (j["stop_reason"].toString() == "eos") {
            // greedy stopped at EOS, which ends the returned tokens; the reference agrees up to it
            QCOMPARE(tokens.back(), 2);
            QCOMPARE(std::vector<int>(expected.begin(), expected.begin() + tokens.size()), tokens);
        } else {
            QCOMPARE(tokens, expected);
        }
        // JSON carries text as UTF-8: stray bytes of a split character become U+FFFD on both sides
        QCOMPARE(j["text"].toString(), QString::fromUtf8(hand_decode(tokens)));
        QVERIFY(j["prefill_tokens_per_s"].toDouble() > 0);
        QVERIFY(j["decode_tokens_per_s"].toDouble() > 0);
        QCOMPARE(j["threads"].toInt(), 2);
    }

    void generatePlainPrintsPromptAndContinuation() {
        const CliResult r = run_cli({"generate", "--model", qfile("model.gguf"), "--prompt", "ab", "--max-new-tokens", "4"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(r.out.startsWith("ab"));
        QVERIFY(r.err.contains("prefill") && r.err.contains("decode"));
    }

    void llama2cCheckpointGeneratesTheSameTokens() {
        write_model_llama2c(m_model, file("model.bin"), file("tokenizer.bin"));
        const QStringList common = {"--prompt", "ba", "--max-new-tokens", "5", "--json"};
        const CliResult gguf = run_cli(QStringList{"generate", "--model", qfile("model.gguf")} + common);
        const CliResult bin = run_cli(QStringList{"generate", "--model", qfile("model.bin")} + common);
        QVERIFY2(gguf.exit_code == 0 && bin.exit_code == 0, qPrintable(gguf.err + bin.err));
        QCOMPARE(parse_object(bin.out)["tokens"], parse_object(gguf.out)["tokens"]);
    }

    void inspectReportsTheFile() {
        const CliResult r = run_cli({"inspect", qfile("model.gguf"), "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QJsonObject j = parse_object(r.out);
        QCOMPARE(j["architecture"].toString(), QString("llama"));
        QCOMPARE(j["dim"].toInt(), 64);
        QCOMPARE(j["n_heads"].toInt(), 8);
        QCOMPARE(j["n_kv_heads"].toInt(), 2);
        QCOMPARE(j["n_layers"].toInt(), 3);
        QCOMPARE(j["vocab_size"].toInt(), 320);
        QCOMPARE(j["tied_output"].toBool(), false);
        QCOMPARE(j["tokenizer"].toObject()["bos"].toString(), QString("<s>"));
        // 3 layers × 9 tensors + embedding, output norm, output
        QCOMPARE(j["tensors"].toArray().size(), 30);
        const QJsonObject embedding = j["tensors"].toArray()[0].toObject();
        QCOMPARE(embedding["name"].toString(), QString("token_embd.weight"));
        QCOMPARE(embedding["bytes"].toInteger(), qint64(320) * 64 * 4);

        const CliResult text = run_cli({"inspect", qfile("model.gguf")});
        QCOMPARE(text.exit_code, 0);
        QVERIFY(text.out.contains("kv heads 2"));
    }

    void badModelFilesAreRefused() {
        const QByteArray valid = read_all(m_gguf);
        expect_refusal({"inspect", qfile("missing.gguf")}, {qfile("missing.gguf")});

        write_all(file("truncated.gguf"), valid.left(valid.size() / 2));
        expect_refusal({"generate", "--model", qfile("truncated.gguf"), "--prompt", "a"},
                       {qfile("truncated.gguf"), "truncated"});

        QByteArray bytes = valid;
        bytes[0] = 'X';
        write_all(file("magic.gguf"), bytes);
        expect_refusal({"inspect", qfile("magic.gguf")}, {qfile("magic.gguf"), "not a GGUF"});

        bytes = valid;
        patch<uint64_t>(bytes, kTensorCountAt, uint64_t{1} << 50);
        write_all(file("tensors.gguf"), bytes);
        expect_refusal({"inspect", qfile("tensors.gguf")}, {qfile("tensors.gguf"), "tensor count"});

        bytes = valid;
        patch<uint64_t>(bytes, kMetadataCountAt, ~uint64_t{0});
        write_all(file("kv.gguf"), bytes);
        expect_refusal({"inspect", qfile("kv.gguf")}, {qfile("kv.gguf"), "metadata count"});

        bytes = valid;
        patch<uint64_t>(bytes, value_of(bytes, "general.name") + 4, uint64_t(bytes.size()) * 2);
        write_all(file("string.gguf"), bytes);
        expect_refusal({"inspect", qfile("string.gguf")}, {qfile("string.gguf"), "general.name"});

        bytes = valid;
        patch<uint64_t>(bytes, tensor_info_at(bytes, "output_norm.weight").offset, uint64_t{1} << 30);
        write_all(file("offset.gguf"), bytes);
        expect_refusal({"inspect", qfile("offset.gguf")}, {qfile("offset.gguf"), "output_norm.weight"});

        bytes = valid;
        bytes.replace(value_of(bytes, "general.architecture") + 4 + 8, 5, "bloom");
        write_all(file("arch.gguf"), bytes);
        expect_refusal({"inspect", qfile("arch.gguf")}, {qfile("arch.gguf"), "unsupported architecture 'bloom'"});

        bytes = valid;
        patch<uint32_t>(bytes, tensor_info_at(bytes, "blk.0.attn_q.weight").type, 13);
        write_all(file("type.gguf"), bytes);
        expect_refusal({"inspect", qfile("type.gguf")}, {qfile("type.gguf"), "blk.0.attn_q.weight", "Q5_K"});
    }

    void modelWithoutTokenizerIsRefused() {
        Model bare = random_model(small_config(), 6, false);
        write_model_gguf(bare, file("bare.gguf"));
        expect_refusal({"generate", "--model", qfile("bare.gguf"), "--prompt", "a"}, {qfile("bare.gguf"), "no tokenizer"});
        // a folder of its own, so that no tokenizer.bin lies beside the checkpoint
        QVERIFY(QDir(m_dir.path()).mkpath("lonely"));
        write_model_llama2c(bare, file("lonely/bare.bin"));
        expect_refusal({"generate", "--model", qfile("lonely/bare.bin"), "--prompt", "a"},
                       {qfile("lonely/bare.bin"), "tokenizer.bin"});
    }

    void promptLongerThanTheContextIsRefused() {
        // context 24: BOS + 30 characters does not fit
        expect_refusal({"generate", "--model", qfile("model.gguf"), "--prompt", QString(30, 'a')},
                       {"prompt", "context length of 24"});
        // nor do 5 prompt tokens plus 20 new ones
        expect_refusal({"generate", "--model", qfile("model.gguf"), "--prompt", "abc", "--max-new-tokens", "20"},
                       {"context length of 24"});
    }

    void badOptionsAreRefused() {
        const QString model = qfile("model.gguf");
        expect_refusal({"generate", "--model", model, "--prompt", "a", "--threads", "-1"}, {"--threads"});
        expect_refusal({"generate", "--model", model, "--prompt", "a", "--max-new-tokens", "0"}, {"--max-new-tokens"});
        expect_refusal({"generate", "--model", model, "--prompt", "a", "--max-new-tokens", "many"}, {"not an integer"});
        expect_refusal({"generate", "--model", model, "--prompt", "a", "--warp-speed", "9"}, {"unknown option --warp-speed"});
        expect_refusal({"generate", "--model", model}, {"--prompt"});
        expect_refusal({"generate", "--model", "embedded:nope", "--prompt", "a"},
                       {"no embedded model 'nope'", "embedded:stories-target"});
        expect_refusal({"frobnicate"}, {"unknown command 'frobnicate'"});
    }

    void badKvOptionsAreRefused() {
        const QStringList run = {"generate", "--model", qfile("model.gguf"), "--prompt", "a"};
        expect_refusal(run + QStringList{"--kv", "foo"}, {"--kv", "'foo'"});
        expect_refusal(run + QStringList{"--kv", "paged", "--block-size", "0"}, {"--block-size", "got 0"});
        expect_refusal(run + QStringList{"--kv", "paged", "--block-size", "129"}, {"--block-size", "got 129"});
        expect_refusal(run + QStringList{"--kv", "paged", "--block-size", "x"}, {"--block-size", "not an integer"});
        expect_refusal(run + QStringList{"--kv", "paged", "--num-blocks", "-1"}, {"--num-blocks"});
        expect_refusal(run + QStringList{"--kv", "paged", "--window", "8"}, {"--window", "--kv sliding"});
        expect_refusal(run + QStringList{"--kv", "sliding"}, {"--kv sliding", "--window"});
        expect_refusal(run + QStringList{"--prefix-caching"}, {"--prefix-caching", "--kv paged"});
        expect_refusal(run + QStringList{"--max-seq-len", "25"}, {"--max-seq-len", "context length of 24"});
        // a table model has no KV cache to lay out, neither for the run nor for a --compare spec
        const QString table = DECODELAB_SOURCE_DIR "/assets/tables/textbook-beam.json";
        expect_refusal({"generate", "--table", table, "--prompt", "<s>", "--kv", "paged"}, {"--kv", "--table"});
        expect_refusal({"generate", "--table", table, "--prompt", "<s>", "--max-new-tokens", "4", "--compare",
                        "block-size=4"},
                       {"--block-size", "--table"});
        expect_refusal(run + QStringList{"--compare", "kv=paged,prefix-caching=1"}, {"prefix-caching", "flag"});
    }

    void promptLongerThanTheKvPoolIsRefused() {
        // 2 blocks of 16 slots hold 32 positions; this prompt is longer
        const QString prompt = "Once upon a time there was a little girl named Lily. She liked to play in the park "
                               "with her dog and her cat every day. One day she saw a big red ball.";
        expect_refusal({"generate", "--model", "embedded:stories-target", "--prompt", prompt, "--kv", "paged",
                        "--num-blocks", "2"},
                       {"prompt of", "KV pool"});
    }

    void beamSearchOutgrowingTheKvPoolStopsEarly() {
        // 4 beams share the prompt's block, then each needs blocks of its own: 4 blocks of 16
        // slots run out long before 40 new tokens
        const CliResult r = run_cli({"generate", "--model", "embedded:stories-target", "--prompt", "Once upon a time",
                                     "--strategy", "beam", "--num-beams", "4", "--max-new-tokens", "40", "--kv",
                                     "paged", "--num-blocks", "4", "--json", "--backend", "cpu"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QJsonObject j = parse_object(r.out);
        QCOMPARE(j["stop_reason"].toString(), QString("kv_exhausted"));
        const QString detail = j["stop_detail"].toString();
        QVERIFY2(detail.contains("KV pool"), qPrintable(detail));
        const qsizetype generated = j["tokens"].toArray().size();
        QVERIFY2(generated > 0 && generated < 40, qPrintable(QString::number(generated)));
        QCOMPARE(r.err.trimmed(), "decodelab-cli: stopped early: " + detail);
        const QJsonObject kv = j["kv"].toObject();
        QCOMPARE(kv["kind"].toString(), QString("paged"));
        QVERIFY(kv["peak_slots_reserved"].toInteger() <= 4 * 16);
    }

    void greedyTokensDoNotDependOnTheKvLayout() {
        const QStringList run = {"generate", "--model", "embedded:stories-target", "--prompt", "Once upon a time",
                                 "--max-new-tokens", "40", "--json"};
        const CliResult contiguous = run_cli(run + QStringList{"--kv", "contiguous"});
        const CliResult paged = run_cli(run + QStringList{"--kv", "paged", "--block-size", "4"});
        const CliResult prefix = run_cli(run + QStringList{"--kv", "paged", "--block-size", "4", "--prefix-caching"});
        QVERIFY2(contiguous.exit_code == 0 && paged.exit_code == 0 && prefix.exit_code == 0,
                 qPrintable(contiguous.err + paged.err + prefix.err));
        const QJsonObject c = parse_object(contiguous.out), p = parse_object(paged.out), pc = parse_object(prefix.out);
        QVERIFY(!c["tokens"].toArray().isEmpty());
        QCOMPARE(p["tokens"], c["tokens"]);
        QCOMPARE(pc["tokens"], c["tokens"]);
        // the same tokens in different memory: contiguous reserves the whole context of 512
        // slots up front, paged only the blocks in use (less than one block of slack)
        const QJsonObject ckv = c["kv"].toObject(), pkv = p["kv"].toObject();
        QCOMPARE(ckv["kind"].toString(), QString("contiguous"));
        QCOMPARE(ckv["peak_slots_reserved"].toInteger(), qint64(512));
        QCOMPARE(pkv["kind"].toString(), QString("paged"));
        QCOMPARE(pkv["block_size"].toInt(), 4);
        const qint64 slack = pkv["peak_slots_reserved"].toInteger() - pkv["peak_slots_used"].toInteger();
        QVERIFY2(slack >= 0 && slack < 4, qPrintable(QString::number(slack)));
        QCOMPARE(pkv["peak_bytes_reserved"].toInteger(),
                 pkv["peak_slots_reserved"].toInteger() * pkv["bytes_per_slot"].toInteger());
    }

    void compareSpecsMayChangeTheKvCache() {
        const CliResult r = run_cli({"generate", "--model", "embedded:stories-target", "--prompt", "Once upon a time",
                                     "--max-new-tokens", "12", "--strategy", "beam", "--num-beams", "2", "--json",
                                     "--compare", "kv=contiguous", "--compare",
                                     "kv=paged,block-size=4,prefix-caching"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QJsonArray rows = parse_object(r.out)["compare"].toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].toObject()["tokens"], rows[0].toObject()["tokens"]);
        QCOMPARE(rows[0].toObject()["kv"].toObject()["kind"].toString(), QString("contiguous"));
        QCOMPARE(rows[1].toObject()["kv"].toObject()["kind"].toString(), QString("paged"));
        QVERIFY(rows[1].toObject()["kv"].toObject()["peak_bytes_reserved"].toInteger() <
                rows[0].toObject()["kv"].toObject()["peak_bytes_reserved"].toInteger());
    }

    void flashAttentionGivesTheSameTokensAsNaive() {
        const QStringList run = {"generate", "--model", "embedded:stories-target", "--prompt", "Once upon a time",
                                 "--max-new-tokens", "24", "--json"};
        const CliResult naive = run_cli(run);
        const CliResult flash = run_cli(run + QStringList{"--attention", "flash"});
        // small tiles: the 5-token prompt spans 2 × 2 tiles of 4 rows, one above the diagonal
        const CliResult tiled = run_cli(run + QStringList{"--attention", "flash", "--sram-bytes", "2k"});
        QVERIFY2(naive.exit_code == 0 && flash.exit_code == 0 && tiled.exit_code == 0,
                 qPrintable(naive.err + flash.err + tiled.err));
        const QJsonObject n = parse_object(naive.out), f = parse_object(flash.out), t = parse_object(tiled.out);
        QVERIFY(!n["tokens"].toArray().isEmpty());
        QCOMPARE(f["tokens"], n["tokens"]);
        QCOMPARE(t["tokens"], n["tokens"]);

        // head dim 32 at F32 with the a100 preset's 163 KiB: Bc = ⌈166912 / (4·32·4)⌉ = 326, Br = min(Bc, d)
        const QJsonObject na = n["attention"].toObject(), fa = f["attention"].toObject(), ta = t["attention"].toObject();
        QCOMPARE(na["kind"].toString(), QString("naive"));
        QCOMPARE(fa["kind"].toString(), QString("flash"));
        QCOMPARE(fa["head_dim"].toInt(), 32);
        QCOMPARE(fa["element_bytes"].toInt(), 4);
        QCOMPARE(fa["sram_bytes"].toInteger(), qint64(163 * 1024));
        QCOMPARE(fa["tiles"].toObject()["rows"].toInt(), 32);
        QCOMPARE(fa["tiles"].toObject()["cols"].toInt(), 326);
        QCOMPARE(ta["tiles"].toObject()["rows"].toInt(), 4);
        QCOMPARE(ta["tiles"].toObject()["cols"].toInt(), 4);

        // one prefill pass over N = 5 prompt tokens (BOS included) at layer 0, head 0, d = 32, 4-byte floats
        const qint64 N = n["prompt_tokens"].toArray().size(), d = 32, e = 4;
        QCOMPARE(N, qint64(5));
        const QJsonObject nt = na["traced"].toObject(), ft = fa["traced"].toObject(), tt = ta["traced"].toObject();
        for (const QJsonObject& traced : {nt, ft, tt}) {
            QCOMPARE(traced["prefill_passes"].toInt(), 1);
            QCOMPARE(traced["complete"].toBool(), true);
        }
        // Algorithm 0: read Q, K; write S; read S, write P; read P, V; write O
        QCOMPARE(nt["hbm_read_bytes"].toInteger() + nt["hbm_write_bytes"].toInteger(), 4 * (N * d + N * N) * e);
        QCOMPARE(nt["tile_events"].toInteger(), qint64(3));
        // Algorithm 1 with one tile: O, ℓ, m initialized; K, V, Q, O, ℓ, m read; O, ℓ, m written
        QCOMPARE(ft["tile_events"].toInteger(), qint64(2));
        QCOMPARE(ft["hbm_read_bytes"].toInteger(), (4 * N * d + 2 * N) * e);
        QCOMPARE(ft["hbm_write_bytes"].toInteger(), 2 * (N * d + 2 * N) * e);
        // 2 × 2 tiles, the one above the diagonal skipped: 3 tiles and the initialization
        QCOMPARE(tt["tile_events"].toInteger(), qint64(4));

        // a --compare spec may switch the attention; that run gets a backend of its own
        const CliResult compare = run_cli(run + QStringList{"--compare", "attention=naive", "--compare",
                                                            "attention=flash,sram-bytes=2k"});
        QVERIFY2(compare.exit_code == 0, qPrintable(compare.err));
        const QJsonArray rows = parse_object(compare.out)["compare"].toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].toObject()["tokens"], n["tokens"]);
        QCOMPARE(rows[1].toObject()["tokens"], n["tokens"]);
        QCOMPARE(rows[1].toObject()["attention"].toObject()["kind"].toString(), QString("flash"));
        QCOMPARE(rows[1].toObject()["attention"].toObject()["tiles"].toObject()["cols"].toInt(), 4);
    }

    void traceRecordsTheCacheAndAttentionSettings() {
        const QString path = m_dir.filePath("settings.jsonl");
        const CliResult r = run_cli({"generate", "--model", "embedded:stories-target", "--prompt", "Once",
                                     "--max-new-tokens", "2", "--kv", "paged", "--block-size", "4",
                                     "--prefix-caching", "--attention", "flash", "--device-preset", "h200",
                                     "--sram-bytes", "8k", "--highlight-row", "1", "--backend", "cpu", "--trace",
                                     path});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const std::map<std::string, std::string> p =
            std::get<RunEvent>(read_jsonl_trace(path.toStdString()).front().body).parameters;
        const std::map<std::string, std::string> expected = {
            {"kv", "paged"},          {"block-size", "4"},     {"prefix-caching", "true"}, {"attention", "flash"},
            {"device-preset", "h200"}, {"sram-bytes", "8192"}, {"highlight-row", "1"},    {"tile-layer", "0"},
            {"tile-head", "0"}};
        for (const auto& [key, value] : expected) {
            QVERIFY2(p.count(key), key.c_str());
            QCOMPARE(p.at(key), value);
        }
        QCOMPARE(p.at("max-new-tokens"), std::string("2"));  // the decoding parameters stay
        QVERIFY(!p.count("window"));  // a sliding window's settings only with one
    }

    void badAttentionOptionsAreRefused() {
        const QStringList run = {"generate", "--model", qfile("model.gguf"), "--prompt", "a"};
        expect_refusal(run + QStringList{"--attention", "flash", "--kv", "sliding", "--window", "8"},
                       {"--attention flash", "--kv sliding"});
        expect_refusal(run + QStringList{"--kv", "sliding", "--window", "8", "--compare", "attention=flash"},
                       {"--attention flash", "--kv sliding"});
        expect_refusal(run + QStringList{"--attention", "turbo"}, {"--attention", "'turbo'"});
        expect_refusal(run + QStringList{"--device-preset", "v100"}, {"--device-preset", "'v100'"});
        // the model has 3 layers and 8 heads
        expect_refusal(run + QStringList{"--tile-layer", "3"}, {"--tile-layer", "got 3"});
        expect_refusal(run + QStringList{"--tile-layer", "-1"}, {"--tile-layer", "got -1"});
        expect_refusal(run + QStringList{"--tile-layer", "x"}, {"--tile-layer", "not an integer"});
        expect_refusal(run + QStringList{"--tile-head", "8"}, {"--tile-head", "got 8"});
        expect_refusal(run + QStringList{"--sram-bytes", "12q"}, {"--sram-bytes", "'12q'"});
        expect_refusal(run + QStringList{"--tile-rows", "4"}, {"--tile-rows", "--tile-cols"});
        expect_refusal(run + QStringList{"--max-tile-events", "-1"}, {"--max-tile-events"});
        const QString table = DECODELAB_SOURCE_DIR "/assets/tables/textbook-beam.json";
        expect_refusal({"generate", "--table", table, "--prompt", "<s>", "--attention", "flash"},
                       {"--attention", "--table"});
    }

    void ioModelCsvCountsBothAlgorithms() {
        const CliResult r = run_cli({"io-model", "--csv", "--head-dims", "64", "--sram", "227k", "--n-min", "256",
                                     "--n-max", "1024"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        const QStringList header = lines[0].split(',');
        QCOMPARE(header, (QStringList{"n", "head_dim", "sram_bytes", "element_bytes", "causal", "br", "bc",
                                      "naive_hbm_bytes", "flash_hbm_bytes", "ratio", "naive_closed_form_bytes",
                                      "flash_closed_form_bytes", "naive_factor", "flash_factor", "device",
                                      "naive_modeled_s", "flash_modeled_s"}));
        double last_ratio = 0.0;
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList cells = lines[i].split(',');
            QCOMPARE(cells.size(), header.size());
            auto cell = [&](const char* name) { return cells[header.indexOf(name)]; };
            const qint64 n = cell("n").toLongLong();
            QCOMPARE(n, qint64(256) << (i - 1));
            QCOMPARE(cell("head_dim").toInt(), 64);
            QCOMPARE(cell("sram_bytes").toLongLong(), qint64(227 * 1024));
            QCOMPARE(cell("element_bytes").toInt(), 2);
            QCOMPARE(cell("causal").toInt(), 0);
            // Bc = ⌈232448 / (4·64·2)⌉ = 454, Br = min(Bc, d) = 64
            QCOMPARE(cell("br").toInt(), 64);
            QCOMPARE(cell("bc").toInt(), 454);
            // Algorithm 0 in FP16: Q, K read; S written, read; P written, read; V read; O written
            QCOMPARE(cell("naive_hbm_bytes").toLongLong(), 4 * (n * 64 + n * n) * 2);
            const double naive = cell("naive_hbm_bytes").toDouble(), flash = cell("flash_hbm_bytes").toDouble();
            QVERIFY(flash > 0 && flash < naive);
            const double ratio = cell("ratio").toDouble();
            QVERIFY(qAbs(ratio - naive / flash) < 1e-4 * ratio);
            QVERIFY2(ratio > last_ratio, qPrintable(lines[i]));
            last_ratio = ratio;
            QCOMPARE(cell("naive_factor").toDouble(), 4.0);
            QCOMPARE(cell("device"), QString("a100"));
            QVERIFY(cell("naive_modeled_s").toDouble() > cell("flash_modeled_s").toDouble());
        }

        const CliResult text = run_cli({"io-model", "--n-max", "512"});
        QVERIFY2(text.exit_code == 0, qPrintable(text.err));
        QVERIFY(text.out.contains("not a measurement"));
        QVERIFY(text.out.contains("64x454"));
    }

    void backendCpuRunsOnTheCpu() {
        const CliResult r = run_cli({"generate", "--model", "embedded:stories-target", "--prompt", "Once upon a time",
                                     "--max-new-tokens", "6", "--json", "--backend", "cpu"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(parse_object(r.out)["backend"].toString(), QString("cpu"));
        QVERIFY2(!r.err.contains("running on the CPU"), qPrintable(r.err));

        // a --compare spec may name its backend; each row says where it ran
        const CliResult c = run_cli({"generate", "--model", "embedded:stories-target", "--prompt", "Once upon a time",
                                     "--max-new-tokens", "6", "--json", "--backend", "cpu", "--compare", "backend=cpu",
                                     "--compare", "kv=paged,block-size=4"});
        QVERIFY2(c.exit_code == 0, qPrintable(c.err));
        const QJsonArray rows = parse_object(c.out)["compare"].toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].toObject()["backend"].toString(), QString("cpu"));
        QCOMPARE(rows[1].toObject()["backend"].toString(), QString("cpu"));
        QCOMPARE(rows[1].toObject()["tokens"], rows[0].toObject()["tokens"]);
        expect_refusal({"generate", "--prompt", "Once upon a time", "--compare", "backend=gpu"}, {"--backend", "'gpu'"});
    }

    void backendAutoFallsBackToTheCpuWithANote() {
        const QStringList run = {"generate", "--model", "embedded:stories-target", "--prompt", "Once upon a time",
                                 "--max-new-tokens", "6", "--json", "--backend", "auto"};
        const CliResult r = run_cli(run);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QString backend = parse_object(r.out)["backend"].toString();
        if (backend == "cpu") {
            // this machine: a build without CUDA, or no device
            const QString note = r.err.trimmed();
            QVERIFY2(note == "decodelab-cli: built without CUDA; running on the CPU" ||
                         note == "decodelab-cli: no CUDA device; running on the CPU",
                     qPrintable(r.err));
        } else {
            QCOMPARE(backend, QString("cuda"));
            QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        }
        // the GPU has no sliding-window cache yet: auto runs it on the CPU and says why
        const CliResult sliding = run_cli(run + QStringList{"--kv", "sliding", "--window", "8"});
        QVERIFY2(sliding.exit_code == 0, qPrintable(sliding.err));
        QCOMPARE(parse_object(sliding.out)["backend"].toString(), QString("cpu"));
        QVERIFY2(sliding.err.contains("running on the CPU") && !sliding.err.trimmed().contains('\n'),
                 qPrintable(sliding.err));
    }

    void backendCudaWithoutADeviceIsRefused() {
        const QStringList run = {"generate", "--model", "embedded:stories-target", "--prompt", "Once upon a time",
                                 "--max-new-tokens", "6", "--json", "--backend", "cuda"};
        const CliResult r = run_cli(run);
        if (r.exit_code == 0) {
            QCOMPARE(parse_object(r.out)["backend"].toString(), QString("cuda"));
        } else {
            QCOMPARE(r.exit_code, 2);
            const QString err = r.err.trimmed();
            QVERIFY2(!err.contains('\n'), qPrintable(r.err));
            QVERIFY2(err.contains("--backend cuda") &&
                         (err.contains("no CUDA device") || err.contains("built without CUDA")),
                     qPrintable(r.err));
        }
        // options the GPU does not run: refused whatever the machine
        expect_refusal(run + QStringList{"--kv", "sliding", "--window", "8"}, {"--backend cuda", "--kv sliding"});
        expect_refusal(run + QStringList{"--attention", "flash"}, {"--backend cuda", "--attention flash"});
    }

    void badBackendsAreRefused() {
        expect_refusal({"generate", "--prompt", "Once upon a time", "--backend", "foo"}, {"--backend", "'foo'"});
        expect_refusal({"generate", "--table", DECODELAB_SOURCE_DIR "/assets/tables/textbook-beam.json", "--prompt", "<s>", "--backend", "cuda"},
                       {"--backend cuda", "--table"});
    }

    // Speculative sampling decodes greedily what plain greedy decodes, token for token: the
    // target verifies every draft token and its argmax stands wherever they disagree.
    void speculativeGreedyMatchesPlainGreedy() {
        for (const QString& prompt : {QString("Once upon a time"), QString("Tom and his dog went to the park"),
                                      QString("The little girl was sad because")}) {
            const QStringList run = {"generate", "--prompt", prompt, "--max-new-tokens", "40", "--json"};
            const CliResult plain = run_cli(run);
            QVERIFY2(plain.exit_code == 0, qPrintable(plain.err));
            const QJsonArray tokens = parse_object(plain.out)["tokens"].toArray();
            QCOMPARE(tokens.size(), 40);
            for (const QStringList& drafter :
                 {QStringList{"--draft-model", "embedded:stories-draft"},
                  QStringList{"--draft-model", "embedded:stories-draft", "--draft-schedule", "heuristic"},
                  QStringList{"--draft", "ngram"}, QStringList{"--draft", "ngram", "--max-matching-ngram-size", "1"}}) {
                const CliResult r = run_cli(run + drafter);
                QVERIFY2(r.exit_code == 0, qPrintable(drafter.join(' ') + ": " + r.err));
                const QJsonObject j = parse_object(r.out);
                QVERIFY2(j["tokens"] == tokens, qPrintable(prompt + " " + drafter.join(' ')));
                check_speculative(j["speculative"].toObject(), drafter[0] == "--draft" ? "ngram" : "model",
                                  int(tokens.size()));
            }
        }
    }

    void speculativeSummaryIsPrintedAndTimedOnRequest() {
        const QStringList run = {"generate", "--prompt", "Once upon a time", "--max-new-tokens", "12", "--draft-model",
                                 "embedded:stories-draft", "--num-draft-tokens", "3"};
        const CliResult text = run_cli(run);
        QVERIFY2(text.exit_code == 0, qPrintable(text.err));
        QVERIFY(text.out.startsWith("Once upon a time"));
        QVERIFY2(text.err.contains("speculative (model, constant") && text.err.contains("rounds") &&
                     text.err.contains("tokens per target pass") && text.err.contains("target passes saved"),
                 qPrintable(text.err));

        const CliResult timed = run_cli(run + QStringList{"--json"});
        const CliResult untimed = run_cli(run + QStringList{"--json", "--no-trace-timing"});
        QVERIFY2(timed.exit_code == 0 && untimed.exit_code == 0, qPrintable(timed.err + untimed.err));
        const QJsonObject t = parse_object(timed.out)["speculative"].toObject();
        const QJsonObject u = parse_object(untimed.out)["speculative"].toObject();
        QVERIFY(t["draft_ms"].isDouble() && t["target_ms"].isDouble());
        QVERIFY(u["draft_ms"].isNull() && u["target_ms"].isNull());
        // γ 3 in every round but the last ones, cut short by the token budget
        QVERIFY(t["mean_gamma"].toDouble() <= 3.0);
        check_speculative(t, "model", 12);
        // a plain run has no speculative object
        const CliResult plain =
            run_cli({"generate", "--prompt", "Once upon a time", "--max-new-tokens", "4", "--json"});
        QVERIFY(!parse_object(plain.out).contains("speculative"));
    }

    void draftTableMatchesPlainGreedyOnATable() {
        const QString table = DECODELAB_SOURCE_DIR "/assets/tables/textbook-beam.json";
        const QStringList run = {"generate", "--table", table, "--prompt", "<s>", "--max-new-tokens", "4", "--json"};
        const CliResult plain = run_cli(run);
        const CliResult drafted = run_cli(run + QStringList{"--draft-table", table});
        QVERIFY2(plain.exit_code == 0 && drafted.exit_code == 0, qPrintable(plain.err + drafted.err));
        const QJsonObject j = parse_object(drafted.out);
        QCOMPARE(j["tokens"], parse_object(plain.out)["tokens"]);
        // the draft is the target: every draft token is accepted
        const QJsonObject s = j["speculative"].toObject();
        check_speculative(s, "table", int(j["tokens"].toArray().size()));
        QCOMPARE(s["alpha"].toDouble(), 1.0);
    }

    void badSpeculativeOptionsAreRefused() {
        const QString table = DECODELAB_SOURCE_DIR "/assets/tables/textbook-beam.json";
        const QStringList run = {"generate", "--prompt", "Once upon a time", "--max-new-tokens", "8"};
        const QStringList draft = {"--draft-model", "embedded:stories-draft"};
        expect_refusal(run + QStringList{"--draft-table", table}, {"--draft-table", "--table"});
        expect_refusal({"generate", "--table", table, "--prompt", "<s>", "--max-new-tokens", "4", "--draft-model",
                        "embedded:stories-draft"},
                       {"--draft-model", "--draft-table"});
        expect_refusal(run + draft + QStringList{"--draft", "ngram"}, {"--draft-model", "--draft", "one drafter"});
        expect_refusal(run + QStringList{"--draft", "bigram"}, {"--draft", "'bigram'"});
        expect_refusal(run + draft + QStringList{"--num-draft-tokens", "0"}, {"--num-draft-tokens", "0"});
        expect_refusal(run + draft + QStringList{"--num-draft-tokens", "65"}, {"--num-draft-tokens", "65", "64"});
        expect_refusal(run + draft + QStringList{"--draft-schedule", "bogus"}, {"--draft-schedule", "'bogus'"});
        expect_refusal(run + QStringList{"--draft-model", qfile("no-such-draft.gguf")},
                       {"--draft-model", qfile("no-such-draft.gguf")});
        expect_refusal(run + QStringList{"--draft-model", "embedded:nope"}, {"--draft-model", "'nope'"});
        expect_refusal(run + draft + QStringList{"--strategy", "beam"}, {"speculative", "beam"});
        expect_refusal(run + QStringList{"--draft", "ngram", "--strategy", "contrastive"},
                       {"speculative", "contrastive"});
        // a drafter's parameters mean nothing without one; the n-gram size only to prompt lookup
        expect_refusal(run + QStringList{"--num-draft-tokens", "3"}, {"--num-draft-tokens", "--draft-model"});
        expect_refusal(run + QStringList{"--draft-schedule", "heuristic"}, {"--draft-schedule", "--draft-model"});
        expect_refusal(run + draft + QStringList{"--max-matching-ngram-size", "3"},
                       {"--max-matching-ngram-size", "--draft ngram"});
        expect_refusal(run + QStringList{"--draft", "ngram", "--compare", "strategy=greedy"}, {"--compare", "drafter"});
        // rejected drafts are rolled back, which a sliding window cannot always do
        expect_refusal(run + QStringList{"--draft", "ngram", "--kv", "sliding", "--window", "3"},
                       {"--draft", "--kv sliding", "--kv contiguous or paged"});
        expect_refusal(run + draft + QStringList{"--kv", "sliding", "--window", "2"},
                       {"--draft-model", "--kv sliding"});
    }

    void draftWithAnotherVocabularyIsRefused() {
        // a neural draft: another size, or the same size with one piece changed
        expect_refusal({"generate", "--model", qfile("model.gguf"), "--prompt", "ab", "--max-new-tokens", "4",
                        "--draft-model", "embedded:stories-draft"},
                       {"--draft-model", "2048 tokens", "320"});
        Model other = m_model;
        other.vocab->tokens[300] = "zz";
        write_model_gguf(other, file("other-vocab.gguf"));
        expect_refusal({"generate", "--model", qfile("model.gguf"), "--prompt", "ab", "--max-new-tokens", "4",
                        "--draft-model", qfile("other-vocab.gguf")},
                       {"--draft-model", "token 300", "'zz'", "'<unused300>'"});

        // a draft table: another size, or the same size with one symbol renamed
        const QString table = DECODELAB_SOURCE_DIR "/assets/tables/textbook-beam.json";
        const auto write_table = [&](const char* name, const QByteArray& symbols) {
            write_all(file(name), R"({"format": "decodelab-table", "version": 1, "symbols": )" + symbols +
                                      R"(, "context_length": 16, "next": {"": {"A": 1.0}}})");
        };
        write_table("renamed.json", R"(["A", "B", "C", "D", "F", "<s>", "<eos>"])");
        write_table("smaller.json", R"(["A", "B", "<s>", "<eos>"])");
        const QStringList run = {"generate", "--table", table, "--prompt", "<s>", "--max-new-tokens", "4"};
        expect_refusal(run + QStringList{"--draft-table", qfile("renamed.json")},
                       {"--draft-table", "symbol 4", "'F'", "'E'"});
        expect_refusal(run + QStringList{"--draft-table", qfile("smaller.json")}, {"--draft-table", "4 symbols", "7"});
    }

    void badIoModelOptionsAreRefused() {
        expect_refusal({"io-model", "--head-dims", "0"}, {"--head-dims"});
        expect_refusal({"io-model", "--head-dims", "64,x"}, {"--head-dims", "'x'"});
        expect_refusal({"io-model", "--sram", "12q"}, {"--sram", "'12q'"});
        expect_refusal({"io-model", "--sram", "0"}, {"--sram"});
        expect_refusal({"io-model", "--n-min", "1024", "--n-max", "256"}, {"--n-max", "--n-min"});
        expect_refusal({"io-model", "--n-min", "0"}, {"--n-min"});
        expect_refusal({"io-model", "--element-bytes", "0"}, {"--element-bytes"});
        expect_refusal({"io-model", "--device-preset", "v100"}, {"--device-preset"});
        expect_refusal({"io-model", "--n-max", "4194304", "--sram", "1"}, {"--n-max"});
        // each point below the cap, a hundred of them far above it (this took minutes)
        expect_refusal({"io-model", "--head-dims", "60,61,62,63,64,65,66,67,68,69", "--sram",
                        "1000,1010,1020,1030,1040,1050,1060,1070,1080,1090"},
                       {"10 head dims × 10 SRAM sizes × 7 sequence lengths", "--head-dims or --sram"});
        expect_refusal({"io-model", "--window", "8"}, {"unknown option --window"});
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
