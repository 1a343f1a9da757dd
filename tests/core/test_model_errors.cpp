// Malformed and unsupported model files: each must raise the right dlab error whose
// message starts with the path and names the problem, and never crash (the suite also
// runs under ASan). Files are made by writing a valid model and then patching or cutting
// bytes at offsets worked out from the GGUF / llama2.c layouts.
#include <sys/stat.h>

#include <QByteArray>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "model/gguf_writer.h"
#include "model/model.h"
#include "model/random_model.h"
#include "testing/gguf_surgery.h"
#include "tokenizer/tokenizer.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

// dim 16, 2 layers, GQA, untied, 288 tokens; every tensor's F32 data is a multiple of
// 32 bytes, so the file ends exactly where output.weight's data ends (no padding).
Model small_model() {
    ModelConfig c = small_config();
    c.name = "broken";
    c.dim = 16, c.hidden_dim = 24, c.n_layers = 2, c.n_heads = 4, c.n_kv_heads = 2;
    c.vocab_size = 288, c.context_length = 32;
    return random_model(c, 42);
}

}  // namespace

class TestModelErrors : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_valid;  // a valid GGUF model
    QByteArray m_valid_bytes;
    std::string m_valid_bin;  // a valid llama2.c checkpoint
    QByteArray m_valid_bin_bytes;

    std::string file(const std::string& name) const {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

    // Writes `bytes` to a fresh file and expects load_model to throw E whose message
    // starts with the path and contains every one of `needles`.
    template <typename E>
    void expect_error(const std::string& name, const QByteArray& bytes,
                      const std::vector<std::string>& needles) {
        const std::string path = file(name);
        write_all(path, bytes);
        expect_load_error<E>(path, needles);
    }

    template <typename E>
    void expect_load_error(const std::string& path, const std::vector<std::string>& needles) {
        try {
            (void)load_model(path);
            QFAIL(qPrintable(QString::fromStdString(path + ": loaded without an error")));
        } catch (const E& e) {
            const std::string what = e.what();
            QVERIFY2(what.rfind(path + ": ", 0) == 0, what.c_str());
            QVERIFY2(what.find('\n') == std::string::npos, what.c_str());
            for (const std::string& needle : needles) {
                QVERIFY2(what.find(needle) != std::string::npos,
                         (what + "  [missing: " + needle + "]").c_str());
            }
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("wrong exception type: ") + e.what()));
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_valid = file("valid.gguf");
        write_model_gguf(small_model(), m_valid);
        m_valid_bytes = read_all(m_valid);
        QVERIFY(!m_valid_bytes.isEmpty());
        (void)load_model(m_valid);  // the base file is sound
        m_valid_bin = file("valid.bin");
        write_model_llama2c(small_model(), m_valid_bin);
        m_valid_bin_bytes = read_all(m_valid_bin);
        (void)load_model(m_valid_bin);
    }

    void truncatedAtSeveralCutPoints() {
        const QByteArray& v = m_valid_bytes;
        expect_error<FormatError>("cut_header.gguf", v.left(12), {"truncated", "header"});
        const qsizetype bos_value = value_of(v, "tokenizer.ggml.bos_token_id");
        QVERIFY(bos_value > 0);
        expect_error<FormatError>("cut_metadata.gguf", v.left(bos_value + 6),
                                  {"truncated", "tokenizer.ggml.bos_token_id"});
        // so early that the metadata count itself cannot fit in what is left
        const qsizetype arch_value = value_of(v, "general.architecture");
        QVERIFY(arch_value > 0);
        expect_error<FormatError>("cut_early_metadata.gguf", v.left(arch_value + 6),
                                  {"metadata count 22 is impossible"});
        const qsizetype info = string_at(v, "blk.1.attn_k.weight");
        QVERIFY(info > 0);
        expect_error<FormatError>("cut_infos.gguf", v.left(info + 12), {"truncated", "tensor info"});
        const TensorInfoAt k_info = tensor_info_at(v, "blk.1.attn_k.weight");
        expect_error<FormatError>("cut_dims.gguf", v.left(k_info.type + 2),
                                  {"truncated", "blk.1.attn_k.weight"});
        // the last tensor's data ends at the end of the file
        const qsizetype cut = v.size() - 10;
        expect_error<FormatError>(
            "cut_data.gguf", v.left(cut),
            {"truncated: tensor 'output.weight' data ends at byte " + std::to_string(v.size()),
             "the file has " + std::to_string(cut) + " bytes"});
        expect_error<FormatError>("empty.gguf", QByteArray(), {"not a GGUF or llama2.c"});
    }

    void everyCutFails() {
        // any prefix of the file is malformed and must fail cleanly (ASan checks the reads)
        const QByteArray& v = m_valid_bytes;
        const std::string path = file("prefix.gguf");
        for (qsizetype cut = 0; cut < v.size(); cut += cut < 2048 ? 1 : 97) {
            write_all(path, v.left(cut));
            try {
                (void)load_model(path);
                QFAIL(qPrintable(QString("a prefix of %1 bytes loaded").arg(cut)));
            } catch (const Error& e) {
                QVERIFY2(std::string(e.what()).rfind(path + ": ", 0) == 0, e.what());
            }
        }
    }

    void corruptedBytesNeverCrash() {
        // random byte flips in the header, metadata and tensor infos: the loader may
        // accept a harmless flip, but must otherwise throw a dlab::Error
        const QByteArray& v = m_valid_bytes;
        const qsizetype head = string_at(v, "output.weight") + 40;
        const std::string path = file("flipped.gguf");
        std::mt19937 rng(1234);
        for (int trial = 0; trial < 1500; ++trial) {
            QByteArray bytes = v;
            for (int k = 0; k < 1 + trial % 4; ++k) {
                bytes[rng() % head] = static_cast<char>(rng());
            }
            write_all(path, bytes);
            try {
                (void)load_model(path);
            } catch (const Error& e) {
                QVERIFY2(std::string(e.what()).rfind(path + ": ", 0) == 0, e.what());
            }
        }
    }

    void wrongMagic() {
        QByteArray bytes = m_valid_bytes;
        bytes.replace(0, 4, "XXXX");
        expect_error<FormatError>("magic.gguf", bytes,
                                  {"not a GGUF or llama2.c model file", "magic 0x58585858"});
        expect_error<FormatError>("text.txt", QByteArray("hello, world: no model here\n"),
                                  {"not a GGUF or llama2.c model file"});
    }

    void unsupportedVersions() {
        QByteArray bytes = m_valid_bytes;
        patch<uint32_t>(bytes, kVersionAt, 1);
        expect_error<UnsupportedError>("v1.gguf", bytes, {"GGUF version 1"});
        patch<uint32_t>(bytes, kVersionAt, 4);
        expect_error<UnsupportedError>("v4.gguf", bytes, {"GGUF version 4"});
        patch<uint32_t>(bytes, kVersionAt, 0x03000000);  // a version 3 file written big-endian
        expect_error<UnsupportedError>("big_endian.gguf", bytes, {"big-endian"});
    }

    void absurdCounts() {
        QByteArray bytes = m_valid_bytes;
        patch<uint64_t>(bytes, kTensorCountAt, uint64_t{1} << 50);
        expect_error<FormatError>("tensor_count.gguf", bytes,
                                  {"tensor count " + std::to_string(uint64_t{1} << 50)});
        bytes = m_valid_bytes;
        patch<uint64_t>(bytes, kMetadataCountAt, ~uint64_t{0});
        expect_error<FormatError>("kv_count.gguf", bytes, {"metadata count"});
        // tokenizer.ggml.tokens: value type u32, element type u32, then the u64 count
        bytes = m_valid_bytes;
        const qsizetype tokens = value_of(bytes, "tokenizer.ggml.tokens");
        QVERIFY(tokens > 0);
        patch<uint64_t>(bytes, tokens + 8, uint64_t{1} << 40);
        expect_error<FormatError>("array_count.gguf", bytes, {"tokenizer.ggml.tokens", "claims"});
    }

    void stringLengthPastTheEnd() {
        QByteArray bytes = m_valid_bytes;
        const qsizetype name = value_of(bytes, "general.name");
        QVERIFY(name > 0);
        patch<uint64_t>(bytes, name + 4, uint64_t(bytes.size()) * 2);  // after the value type
        expect_error<FormatError>("string.gguf", bytes, {"truncated", "general.name"});
        patch<uint64_t>(bytes, name + 4, ~uint64_t{0});
        expect_error<FormatError>("string_max.gguf", bytes, {"truncated", "general.name"});
    }

    void tensorOffsets() {
        QByteArray bytes = m_valid_bytes;
        const TensorInfoAt norm = tensor_info_at(bytes, "output_norm.weight");
        QVERIFY(norm.offset > 0);
        patch<uint64_t>(bytes, norm.offset, uint64_t{1} << 20);
        expect_error<FormatError>("offset.gguf", bytes,
                                  {"truncated: tensor 'output_norm.weight' data ends at byte",
                                   "the file has " + std::to_string(bytes.size()) + " bytes"});
        patch<uint64_t>(bytes, norm.offset, ~uint64_t{0} - 31);  // aligned, overflowing
        expect_error<FormatError>("offset_max.gguf", bytes, {"output_norm.weight"});
        patch<uint64_t>(bytes, norm.offset, 36);
        expect_error<FormatError>("unaligned.gguf", bytes,
                                  {"output_norm.weight", "offset 36", "alignment 32"});
    }

    void badDimensions() {
        QByteArray bytes = m_valid_bytes;
        const TensorInfoAt q = tensor_info_at(bytes, "blk.0.attn_q.weight");
        QVERIFY(q.n_dims > 0);
        patch<uint32_t>(bytes, q.n_dims, 5);
        expect_error<FormatError>("n_dims.gguf", bytes, {"blk.0.attn_q.weight", "5 dimensions"});
        bytes = m_valid_bytes;
        patch<uint64_t>(bytes, q.n_dims + 4, 0);
        expect_error<FormatError>("zero_dim.gguf", bytes, {"blk.0.attn_q.weight", "dimension 0"});
        bytes = m_valid_bytes;
        patch<uint64_t>(bytes, q.n_dims + 4, uint64_t{1} << 62);
        patch<uint64_t>(bytes, q.n_dims + 12, uint64_t{1} << 10);
        expect_error<FormatError>("overflow.gguf", bytes, {"blk.0.attn_q.weight", "dimension 1"});
    }

    void unsupportedArchitecture() {
        QByteArray bytes = m_valid_bytes;
        const qsizetype arch = value_of(bytes, "general.architecture");
        QVERIFY(arch > 0);
        bytes.replace(arch + 4 + 8, 5, "bloom");  // after value type and length
        expect_error<UnsupportedError>("arch.gguf", bytes,
                                       {"unsupported architecture 'bloom' (DecodeLab runs llama)"});
    }

    void unsupportedTensorType() {
        QByteArray bytes = m_valid_bytes;
        const TensorInfoAt q = tensor_info_at(bytes, "blk.0.attn_q.weight");
        patch<uint32_t>(bytes, q.type, 13);
        expect_error<UnsupportedError>("q5_k.gguf", bytes, {"blk.0.attn_q.weight", "type id 13", "Q5_K"});
        patch<uint32_t>(bytes, q.type, 1000);
        expect_error<UnsupportedError>("type1000.gguf", bytes, {"blk.0.attn_q.weight", "type id 1000"});
    }

    void wrongShape() {
        Model model = small_model();
        const ModelConfig& c = model.config;
        model.weights.layers[1].wk.resize(c.kv_dim() + 4, c.dim);
        model.weights.layers[1].wk.setZero();
        const std::string path = file("shape.gguf");
        write_model_gguf(model, path);
        expect_load_error<FormatError>(
            path, {"tensor 'blk.1.attn_k.weight' has shape [16, 12]", "expected [16, 8]"});
    }

    void missingTensorOrKey() {
        QByteArray bytes = m_valid_bytes;
        const qsizetype up = string_at(bytes, "blk.1.ffn_up.weight");
        QVERIFY(up > 0);
        bytes[up + 8 + 11] = 'X';  // blk.1.ffn_uX.weight
        expect_error<FormatError>("missing_tensor.gguf", bytes, {"missing tensor 'blk.1.ffn_up.weight'"});
        bytes = m_valid_bytes;
        const qsizetype blocks = string_at(bytes, "llama.block_count");
        bytes[blocks + 8 + 16] = 'X';  // llama.block_counX
        expect_error<FormatError>("missing_key.gguf", bytes, {"missing metadata key 'llama.block_count'"});
    }

    void badHyperParameters() {
        QByteArray bytes = m_valid_bytes;
        const qsizetype heads = value_of(bytes, "llama.attention.head_count");
        patch<uint32_t>(bytes, heads + 4, 3);  // dim 16 is not divisible by 3
        expect_error<FormatError>("heads.gguf", bytes, {"n_heads 3"});
        bytes = m_valid_bytes;
        patch<uint32_t>(bytes, value_of(bytes, "llama.block_count") + 4, 0x7FFFFFFF);
        expect_error<FormatError>("layers.gguf", bytes, {"missing tensor 'blk.2."});
        bytes = m_valid_bytes;
        patch<uint32_t>(bytes, value_of(bytes, "llama.vocab_size") + 4, 289);
        expect_error<FormatError>("vocab.gguf", bytes,
                                  {"token_embd.weight", "has shape [16, 288], expected [16, 289]"});
    }

    void llama2cSizeMismatch() {
        const QByteArray& v = m_valid_bin_bytes;
        const std::string expected = std::to_string(v.size());
        expect_error<FormatError>("cut.bin", v.left(v.size() - 4),
                                  {"truncated llama2.c checkpoint: expected " + expected + " bytes, found " +
                                   std::to_string(v.size() - 4)});
        expect_error<FormatError>("cut_header.bin", v.left(100), {"truncated llama2.c checkpoint"});
        expect_error<FormatError>("trailing.bin", v + QByteArray(4, '\0'),
                                  {"trailing data", "expected " + expected});
        // a plausible header whose numbers cannot describe a model (dim % n_heads ≠ 0)
        QByteArray bytes = v;
        patch<int32_t>(bytes, 12, 3);
        expect_error<FormatError>("heads.bin", bytes, {"n_heads 3"});
        // an implausible header is not taken for a checkpoint
        bytes = v;
        patch<int32_t>(bytes, 0, -16);
        expect_error<FormatError>("implausible.bin", bytes,
                                  {"not a GGUF or llama2.c model file (magic 0xfffffff0)"});
    }

    void nonFiniteWeights() {
        // both files end with the untied classifier's last float: element 288 × 16 − 1
        QByteArray bytes = m_valid_bytes;
        patch<float>(bytes, bytes.size() - 4, std::numeric_limits<float>::quiet_NaN());
        expect_error<FormatError>("nan.gguf", bytes, {"tensor 'output.weight' holds NaN at element 4607"});
        bytes = m_valid_bin_bytes;
        patch<float>(bytes, bytes.size() - 4, -std::numeric_limits<float>::infinity());
        expect_error<FormatError>("inf.bin", bytes, {"tensor 'wcls' holds -infinity at element 4607"});
    }

    void notARegularFile() {
        // a FIFO would block the open for ever; a directory would fail with a library message
        const std::string fifo = file("model.fifo");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        expect_load_error<Error>(fifo, {"not a regular file"});
        expect_load_error<Error>(m_dir.path().toStdString(), {"not a regular file"});
        try {
            (void)load_llama2c_vocab(m_dir.path().toStdString(), 32);
            QFAIL("a directory loaded as tokenizer.bin");
        } catch (const Error& e) {
            QCOMPARE(QString(e.what()), m_dir.path() + ": not a regular file");
        }
    }

    void missingFile() {
        const std::string path = file("does-not-exist.gguf");
        try {
            (void)load_model(path);
            QFAIL("a missing file loaded");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).rfind(path + ": ", 0) == 0);
        }
    }
};

QTEST_APPLESS_MAIN(TestModelErrors)
#include "test_model_errors.moc"
