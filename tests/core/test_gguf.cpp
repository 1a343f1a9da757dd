// GGUF writer → reader round trips (metadata of every value type, tensors of every type,
// alignment), write_model_gguf / write_model_llama2c → load_model round trips of small
// random llama models, and the loader's defaults and integer-width leniency.
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "model/gguf_reader.h"
#include "model/gguf_writer.h"
#include "model/model.h"
#include "model/random_model.h"

using namespace dlab;

namespace {

// small_config() (GQA 8/2, untied) with a non-default RoPE base, epsilon and
// add_space_prefix, so that each must round-trip rather than come back as a default.
Model test_model(uint32_t seed, bool tied = false) {
    ModelConfig config = small_config();
    config.name = "tiny-test";
    config.tied_output = tied;
    config.rope_freq_base = 500000.0f;
    config.rms_eps = 1e-6f;
    Model model = random_model(config, seed);
    model.vocab->add_space_prefix = false;
    return model;
}

// Rounds every weight to a multiple of 1/128. The weights lie within ±2, so each is k/128
// with |k| < 256: 8 significant bits, exact in F16 (11) and BF16 (8).
void snap_to_grid(ModelWeights& w) {
    auto snap = [](auto& array) {
        for (Eigen::Index i = 0; i < array.size(); ++i) {
            array.data()[i] = std::round(array.data()[i] * 128.0f) / 128.0f;
        }
    };
    snap(w.token_embedding);
    for (LayerWeights& l : w.layers) {
        for (RowMatrix* m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) snap(*m);
        snap(l.attn_norm);
        snap(l.ffn_norm);
    }
    snap(w.output_norm);
    snap(w.output);
}

template <typename A>
bool same_bits(const A& a, const A& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0;
}

void compare_weights(const ModelWeights& a, const ModelWeights& b) {
    QVERIFY(same_bits(a.token_embedding, b.token_embedding));
    QCOMPARE(a.layers.size(), b.layers.size());
    for (size_t l = 0; l < a.layers.size(); ++l) {
        const LayerWeights& x = a.layers[l];
        const LayerWeights& y = b.layers[l];
        QVERIFY(same_bits(x.attn_norm, y.attn_norm));
        QVERIFY(same_bits(x.wq, y.wq));
        QVERIFY(same_bits(x.wk, y.wk));
        QVERIFY(same_bits(x.wv, y.wv));
        QVERIFY(same_bits(x.wo, y.wo));
        QVERIFY(same_bits(x.ffn_norm, y.ffn_norm));
        QVERIFY(same_bits(x.w_gate, y.w_gate));
        QVERIFY(same_bits(x.w_up, y.w_up));
        QVERIFY(same_bits(x.w_down, y.w_down));
    }
    QVERIFY(same_bits(a.output_norm, b.output_norm));
    QVERIFY(same_bits(a.output, b.output));
}

void compare_config(const ModelConfig& a, const ModelConfig& b) {
    QCOMPARE(a.architecture, b.architecture);
    QCOMPARE(a.dim, b.dim);
    QCOMPARE(a.hidden_dim, b.hidden_dim);
    QCOMPARE(a.n_layers, b.n_layers);
    QCOMPARE(a.n_heads, b.n_heads);
    QCOMPARE(a.n_kv_heads, b.n_kv_heads);
    QCOMPARE(a.vocab_size, b.vocab_size);
    QCOMPARE(a.context_length, b.context_length);
    QCOMPARE(a.rope_freq_base, b.rope_freq_base);
    QCOMPARE(a.rms_eps, b.rms_eps);
    QCOMPARE(a.tied_output, b.tied_output);
}

void compare_vocab(const Vocab& a, const Vocab& b) {
    QCOMPARE(a.tokens, b.tokens);
    QCOMPARE(a.scores, b.scores);
    QVERIFY(a.types == b.types);
    QCOMPARE(a.bos_id, b.bos_id);
    QCOMPARE(a.eos_id, b.eos_id);
    QCOMPARE(a.unk_id, b.unk_id);
    QCOMPARE(a.add_bos, b.add_bos);
    QCOMPARE(a.add_space_prefix, b.add_space_prefix);
}

// A llama GGUF written key by key, so that tests can choose integer widths, leave out
// optional keys and store chosen tensors as raw (quantized) bytes.
struct CustomGguf {
    GgufValueType int_type = GgufValueType::Uint32;
    bool omit_optional = false;  // head_count_kv, rope.freq_base, rms epsilon, vocab_size
    std::map<std::string, std::pair<GgmlType, std::vector<uint8_t>>> raw_tensors;
    std::function<void(GgufWriter&)> extra_metadata;
};

void write_custom_gguf(const Model& model, const std::string& path, const CustomGguf& opt) {
    const ModelConfig& c = model.config;
    GgufWriter writer;
    writer.set_string("general.architecture", "llama");
    writer.set_int("llama.context_length", opt.int_type, c.context_length);
    writer.set_int("llama.embedding_length", opt.int_type, c.dim);
    writer.set_int("llama.block_count", opt.int_type, c.n_layers);
    writer.set_int("llama.feed_forward_length", opt.int_type, c.hidden_dim);
    writer.set_int("llama.attention.head_count", opt.int_type, c.n_heads);
    if (!opt.omit_optional) {
        writer.set_int("llama.attention.head_count_kv", opt.int_type, c.n_kv_heads);
        writer.set_int("llama.vocab_size", opt.int_type, c.vocab_size);
        writer.set_f32("llama.rope.freq_base", c.rope_freq_base);
        writer.set_f64("llama.attention.layer_norm_rms_epsilon", c.rms_eps);
    }
    if (opt.extra_metadata) opt.extra_metadata(writer);
    auto matrix = [&](const std::string& name, const RowMatrix& m /* [out][in] */) {
        if (auto it = opt.raw_tensors.find(name); it != opt.raw_tensors.end()) {
            writer.add_tensor(name, it->second.first, {m.cols(), m.rows()}, it->second.second);
        } else {
            writer.add_tensor_f32(name, GgmlType::F32, {m.cols(), m.rows()}, m.data());
        }
    };
    auto vector = [&](const std::string& name, const Vector& v /* [n] */) {
        writer.add_tensor_f32(name, GgmlType::F32, {v.size()}, v.data());
    };
    const ModelWeights& w = model.weights;
    matrix("token_embd.weight", w.token_embedding);
    for (size_t l = 0; l < w.layers.size(); ++l) {
        const std::string blk = "blk." + std::to_string(l) + ".";
        const LayerWeights& layer = w.layers[l];
        vector(blk + "attn_norm.weight", layer.attn_norm);
        matrix(blk + "attn_q.weight", layer.wq);
        matrix(blk + "attn_k.weight", layer.wk);
        matrix(blk + "attn_v.weight", layer.wv);
        matrix(blk + "attn_output.weight", layer.wo);
        vector(blk + "ffn_norm.weight", layer.ffn_norm);
        matrix(blk + "ffn_gate.weight", layer.w_gate);
        matrix(blk + "ffn_up.weight", layer.w_up);
        matrix(blk + "ffn_down.weight", layer.w_down);
    }
    vector("output_norm.weight", w.output_norm);
    if (w.output.size()) matrix("output.weight", w.output);
    writer.write(path);
}

uint16_t half_bits(int exponent) {  // F16 of 2^exponent, for |exponent| ≤ 14
    return static_cast<uint16_t>((exponent + 15) << 10);
}

void put_u16(std::vector<uint8_t>& bytes, size_t at, uint16_t value) {
    bytes[at] = static_cast<uint8_t>(value & 0xFF);
    bytes[at + 1] = static_cast<uint8_t>(value >> 8);
}

}  // namespace

class TestGguf : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void metadataOfEveryType() {
        const std::string path = file("meta.gguf");
        GgufWriter writer(2);
        writer.set_int("t.u8", GgufValueType::Uint8, 255);
        writer.set_int("t.i8", GgufValueType::Int8, -128);
        writer.set_int("t.u16", GgufValueType::Uint16, 65535);
        writer.set_int("t.i16", GgufValueType::Int16, -32768);
        writer.set_u32("t.u32", 4294967295u);
        writer.set_i32("t.i32", std::numeric_limits<int32_t>::min());
        writer.set_u64("t.u64", uint64_t{1} << 40);
        writer.set_u64("t.u64max", std::numeric_limits<uint64_t>::max());
        writer.set_int("t.i64", GgufValueType::Int64, std::numeric_limits<int64_t>::min());
        writer.set_f32("t.f32", 1.5f);
        writer.set_f64("t.f64", -2.25);
        writer.set_bool("t.bool", true);
        writer.set_string("t.string", "h\xC3\xA9llo \xE2\x96\x81 world");
        writer.set_string("t.empty_string", "");
        const std::vector<GgufValueType> int_types = {
            GgufValueType::Uint8,  GgufValueType::Int8,  GgufValueType::Uint16, GgufValueType::Int16,
            GgufValueType::Uint32, GgufValueType::Int32, GgufValueType::Uint64, GgufValueType::Int64};
        for (GgufValueType type : int_types) {
            const bool is_signed = type == GgufValueType::Int8 || type == GgufValueType::Int16 ||
                                   type == GgufValueType::Int32 || type == GgufValueType::Int64;
            writer.set_int_array(std::string("a.") + gguf_value_type_name(type), type,
                                 {0, 1, 100, is_signed ? -100 : 127});
        }
        writer.set_f32_array("a.float32", {0.5f, -1.0f, 3e38f});
        writer.set_f64_array("a.float64", {1e-300, -0.125});
        writer.set_bool_array("a.bool", {true, false, true});
        writer.set_string_array("a.string", {"a", "",
                                             "\xE2\x96\x81"
                                             "b"});
        writer.set_i32_array("a.empty", {});
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, writer.set_u32("t.u8", 1));  // duplicate
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, writer.set_int("t.bad", GgufValueType::Uint8, 256));
        writer.write(path);

        const GgufReader reader(path);
        QCOMPARE(reader.version(), uint32_t{2});
        QCOMPARE(reader.alignment(), uint32_t{32});
        QVERIFY(reader.tensors().empty());
        QCOMPARE(reader.find("t.u8")->type, GgufValueType::Uint8);
        QCOMPARE(*reader.get_int("t.u8"), int64_t{255});
        QCOMPARE(reader.find("t.i8")->type, GgufValueType::Int8);
        QCOMPARE(*reader.get_int("t.i8"), int64_t{-128});
        QCOMPARE(reader.find("t.u16")->type, GgufValueType::Uint16);
        QCOMPARE(*reader.get_int("t.u16"), int64_t{65535});
        QCOMPARE(reader.find("t.i16")->type, GgufValueType::Int16);
        QCOMPARE(*reader.get_int("t.i16"), int64_t{-32768});
        QCOMPARE(reader.find("t.u32")->type, GgufValueType::Uint32);
        QCOMPARE(*reader.get_int("t.u32"), int64_t{4294967295});
        QCOMPARE(reader.find("t.i32")->type, GgufValueType::Int32);
        QCOMPARE(*reader.get_int("t.i32"), int64_t{std::numeric_limits<int32_t>::min()});
        QCOMPARE(reader.find("t.u64")->type, GgufValueType::Uint64);
        QCOMPARE(*reader.get_int("t.u64"), int64_t{1} << 40);
        QCOMPARE(std::get<uint64_t>(reader.find("t.u64max")->scalar), std::numeric_limits<uint64_t>::max());
        QVERIFY_THROWS_EXCEPTION(FormatError, reader.get_int("t.u64max"));  // above INT64_MAX
        QCOMPARE(reader.find("t.i64")->type, GgufValueType::Int64);
        QCOMPARE(*reader.get_int("t.i64"), std::numeric_limits<int64_t>::min());
        QCOMPARE(reader.find("t.f32")->type, GgufValueType::Float32);
        QCOMPARE(*reader.get_float("t.f32"), 1.5);
        QCOMPARE(reader.find("t.f64")->type, GgufValueType::Float64);
        QCOMPARE(*reader.get_float("t.f64"), -2.25);
        QCOMPARE(*reader.get_float("t.u8"), 255.0);  // integers read as numbers too
        QCOMPARE(*reader.get_bool("t.bool"), true);
        QCOMPARE(*reader.get_string("t.string"), std::string("h\xC3\xA9llo \xE2\x96\x81 world"));
        QCOMPARE(*reader.get_string("t.empty_string"), std::string());
        for (GgufValueType type : int_types) {
            const std::string key = std::string("a.") + gguf_value_type_name(type);
            const GgufValue* value = reader.find(key);
            QVERIFY(value != nullptr);
            QCOMPARE(value->type, GgufValueType::Array);
            QCOMPARE(value->element_type, type);
            const std::vector<int64_t> ints = *reader.get_int_array(key);
            QCOMPARE(ints.size(), size_t{4});
            QCOMPARE(ints[2], int64_t{100});
            QVERIFY(ints[3] == -100 || ints[3] == 127);
        }
        QCOMPARE(*reader.get_float_array("a.float32"), (std::vector<double>{0.5, -1.0, 3e38f}));
        QCOMPARE(*reader.get_float_array("a.float64"), (std::vector<double>{1e-300, -0.125}));
        QCOMPARE(reader.find("a.bool")->element_type, GgufValueType::Bool);
        QCOMPARE(reader.find("a.bool")->elements.size(), size_t{3});
        QCOMPARE(std::get<bool>(reader.find("a.bool")->elements[1]), false);
        QCOMPARE(*reader.get_string_array("a.string"), (std::vector<std::string>{"a", "",
                                                                                 "\xE2\x96\x81"
                                                                                 "b"}));
        QCOMPARE(reader.get_int_array("a.empty")->size(), size_t{0});
        QCOMPARE(reader.find("a.empty")->element_type, GgufValueType::Int32);

        // absent keys and wrong types
        QVERIFY(!reader.get_int("missing").has_value());
        QVERIFY(reader.find("missing") == nullptr);
        QVERIFY_THROWS_EXCEPTION(FormatError, reader.require_int("missing"));
        try {
            (void)reader.get_int("t.string");
            QFAIL("a string read as an integer");
        } catch (const FormatError& e) {
            const std::string what = e.what();
            QVERIFY(what.rfind(path, 0) == 0);
            QVERIFY(what.find("t.string") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(FormatError, reader.get_string_array("a.float32"));
        QVERIFY_THROWS_EXCEPTION(FormatError, reader.get_bool("t.u8"));

        // file order is kept
        std::vector<std::string> keys;
        for (const GgufKeyValue& kv : reader.metadata()) keys.push_back(kv.key);
        const auto u8 = std::find(keys.begin(), keys.end(), "t.u8");
        const auto empty = std::find(keys.begin(), keys.end(), "a.empty");
        QVERIFY(u8 != keys.end() && empty != keys.end() && u8 < empty);
        QCOMPARE(*(u8 + 1), std::string("t.i8"));
    }

    void tensorsOfEveryTypeAndAlignment() {
        const std::string path = file("tensors.gguf");
        struct Spec {
            const char* name;
            GgmlType type;
            std::vector<int64_t> shape;
            size_t bytes;  // worked out from the block sizes
        };
        const std::vector<Spec> specs = {
            {"f32", GgmlType::F32, {3, 2}, 24},
            {"f16", GgmlType::F16, {5}, 10},
            {"bf16", GgmlType::BF16, {4, 3}, 24},
            {"q8_0", GgmlType::Q8_0, {64, 2}, 4 * 34},
            {"q4_0", GgmlType::Q4_0, {32, 3}, 3 * 18},
            {"q4_k", GgmlType::Q4_K, {256, 2}, 2 * 144},
            {"q6_k", GgmlType::Q6_K, {512, 1, 1}, 2 * 210},
        };
        std::mt19937 rng(7);
        std::vector<std::vector<uint8_t>> data;
        GgufWriter writer(3, 64);
        writer.set_string("general.name", "tensors");
        for (const Spec& spec : specs) {
            std::vector<uint8_t> bytes(spec.bytes);
            for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
            data.push_back(bytes);
            writer.add_tensor(spec.name, spec.type, spec.shape, bytes);
        }
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 writer.add_tensor("bad", GgmlType::F32, {3}, std::vector<uint8_t>(8)));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 writer.add_tensor("f32", GgmlType::F32, {1}, std::vector<uint8_t>(4)));
        writer.write(path);

        const GgufReader reader(path);
        QCOMPARE(reader.version(), uint32_t{3});
        QCOMPARE(reader.alignment(), uint32_t{64});
        QCOMPARE(*reader.get_int("general.alignment"), int64_t{64});
        QCOMPARE(reader.data_offset() % 64, uint64_t{0});
        QCOMPARE(reader.tensors().size(), specs.size());
        QFile raw(QString::fromStdString(path));
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray bytes = raw.readAll();
        for (size_t i = 0; i < specs.size(); ++i) {
            const GgufTensorInfo& info = reader.tensors()[i];
            QCOMPARE(info.name, std::string(specs[i].name));
            QCOMPARE(info.type, specs[i].type);
            QCOMPARE(info.shape, specs[i].shape);
            QCOMPARE(info.bytes, uint64_t{specs[i].bytes});
            QCOMPARE(info.offset % 64, uint64_t{0});
            QCOMPARE(std::memcmp(info.data, data[i].data(), data[i].size()), 0);
            // the data pointer is where the offsets say, in the file as read independently
            const qsizetype at = static_cast<qsizetype>(reader.data_offset() + info.offset);
            QCOMPARE(std::memcmp(bytes.constData() + at, data[i].data(), data[i].size()), 0);
            QCOMPARE(reader.find_tensor(specs[i].name), &info);
        }
        QVERIFY(reader.find_tensor("absent") == nullptr);
        QCOMPARE(reader.tensors()[3].n_elements, int64_t{128});
    }

    void modelRoundTripGqaUntied() {
        const std::string path = file("untied.gguf");
        const Model model = test_model(1);
        write_model_gguf(model, path);
        const Model loaded = load_model(path);
        QCOMPARE(loaded.path, path);
        QCOMPARE(loaded.format, ModelFormat::Gguf);
        QCOMPARE(loaded.format_version, uint32_t{3});
        QCOMPARE(loaded.config.name, std::string("tiny-test"));
        compare_config(loaded.config, model.config);
        compare_weights(loaded.weights, model.weights);
        QCOMPARE(loaded.tokenizer_kind, std::string("llama"));
        QVERIFY(loaded.vocab.has_value());
        compare_vocab(*loaded.vocab, *model.vocab);

        const ModelConfig& c = model.config;
        QCOMPARE(loaded.tensors.size(), size_t(2 + 9 * c.n_layers + 1));
        const TensorSummary& embd = loaded.tensors.front();
        QCOMPARE(embd.name, std::string("token_embd.weight"));
        QCOMPARE(embd.type, std::string("F32"));
        QCOMPARE(embd.shape, (std::vector<int64_t>{c.dim, c.vocab_size}));
        QCOMPARE(embd.bytes, uint64_t(4) * c.dim * c.vocab_size);
        QCOMPARE(loaded.tensors[3].name, std::string("blk.0.attn_k.weight"));
        QCOMPARE(loaded.tensors[3].shape, (std::vector<int64_t>{c.dim, c.kv_dim()}));
        QCOMPARE(loaded.tensors.back().name, std::string("output.weight"));
    }

    void modelRoundTripTied() {
        const std::string path = file("tied.gguf");
        const Model model = test_model(2, /*tied=*/true);
        write_model_gguf(model, path);
        const Model loaded = load_model(path);
        QVERIFY(loaded.config.tied_output);
        QCOMPARE(loaded.weights.output.size(), Eigen::Index{0});
        compare_config(loaded.config, model.config);
        compare_weights(loaded.weights, model.weights);
        for (const TensorSummary& t : loaded.tensors) QVERIFY(t.name != "output.weight");
        QCOMPARE(&loaded.weights.classifier(), &loaded.weights.token_embedding);
    }

    void modelFromMemory() {
        const std::string path = file("memory.gguf");
        const Model model = test_model(4);
        write_model_gguf(model, path);
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        const auto* data = reinterpret_cast<const uint8_t*>(bytes.constData());
        const Model loaded = load_model_from_memory("embedded:test", data, size_t(bytes.size()));
        QCOMPARE(loaded.path, std::string("embedded:test"));
        compare_config(loaded.config, model.config);
        compare_weights(loaded.weights, model.weights);
        compare_vocab(*loaded.vocab, *model.vocab);
        // the weights are copies: the buffer may go away
        bytes.fill('\0');
        compare_weights(loaded.weights, model.weights);
        // only GGUF is accepted from memory, and errors name the given name
        try {
            load_model_from_memory("embedded:broken", data, 8);
            QFAIL("loaded eight zero bytes");
        } catch (const FormatError& e) {
            QVERIFY(std::string(e.what()).rfind("embedded:broken: ", 0) == 0);
        }
    }

    void modelRoundTripHalfPrecision() {
        // weights on a 1/128 grid are exact in F16 and BF16, so the round trip is exact
        Model model = test_model(3);
        snap_to_grid(model.weights);
        for (GgmlType type : {GgmlType::F16, GgmlType::BF16}) {
            const std::string path = file(type == GgmlType::F16 ? "f16.gguf" : "bf16.gguf");
            write_model_gguf(model, path, type);
            const Model loaded = load_model(path);
            compare_weights(loaded.weights, model.weights);
            const std::string name = ggml_type_name(type);
            for (const TensorSummary& t : loaded.tensors) {
                const bool norm = t.name.find("norm") != std::string::npos;
                QCOMPARE(t.type, norm ? std::string("F32") : name);
            }
            QCOMPARE(loaded.tensors[0].bytes, uint64_t(2) * model.config.dim * model.config.vocab_size);
        }
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, write_model_gguf(model, file("q.gguf"), GgmlType::Q8_0));
    }

    void quantizedTensorsLoad() {
        // dim 32 so that rows hold whole Q8_0 / Q4_0 blocks
        ModelConfig config = small_config();
        config.dim = 32, config.hidden_dim = 64, config.n_heads = 2, config.n_kv_heads = 1;
        config.n_layers = 1;
        const Model model = random_model(config, 4);
        // attn_q [32 out][32 in] as Q8_0: row r has d = 2^-(r % 4), q_i = (3r + i) % 256 − 128
        std::vector<uint8_t> q8(32 * 34);
        RowMatrix expected_q(32, 32);
        for (int r = 0; r < 32; ++r) {
            put_u16(q8, 34 * r, half_bits(-(r % 4)));
            for (int i = 0; i < 32; ++i) {
                const int q = (3 * r + i) % 256 - 128;
                q8[34 * r + 2 + i] = static_cast<uint8_t>(static_cast<int8_t>(q));
                expected_q(r, i) = std::ldexp(1.0f, -(r % 4)) * q;
            }
        }
        // ffn_down [32 out][64 in] as Q4_0: two blocks per row, d = 0.5, nibbles (r + j) % 16
        std::vector<uint8_t> q4(32 * 2 * 18);
        RowMatrix expected_down(32, 64);
        for (int r = 0; r < 32; ++r) {
            for (int b = 0; b < 2; ++b) {
                const size_t block = 18 * (2 * r + b);
                put_u16(q4, block, half_bits(-1));
                for (int j = 0; j < 16; ++j) {
                    const int lo = (r + j) % 16, hi = (r + j + 5) % 16;
                    q4[block + 2 + j] = static_cast<uint8_t>(lo | (hi << 4));
                    expected_down(r, 32 * b + j) = 0.5f * (lo - 8);
                    expected_down(r, 32 * b + j + 16) = 0.5f * (hi - 8);
                }
            }
        }
        CustomGguf custom;
        custom.raw_tensors["blk.0.attn_q.weight"] = {GgmlType::Q8_0, q8};
        custom.raw_tensors["blk.0.ffn_down.weight"] = {GgmlType::Q4_0, q4};
        const std::string path = file("quantized.gguf");
        write_custom_gguf(model, path, custom);
        const Model loaded = load_model(path);
        QVERIFY(same_bits(loaded.weights.layers[0].wq, expected_q));
        QVERIFY(same_bits(loaded.weights.layers[0].w_down, expected_down));
        QVERIFY(same_bits(loaded.weights.layers[0].wk, model.weights.layers[0].wk));
        QCOMPARE(loaded.tensors[2].name, std::string("blk.0.attn_q.weight"));
        QCOMPARE(loaded.tensors[2].type, std::string("Q8_0"));
        QCOMPARE(loaded.tensors[2].bytes, uint64_t{32 * 34});
    }

    void integerWidthsAccepted() {
        const Model model = test_model(5);
        // vocab_size 320 needs at least 16 bits
        for (GgufValueType type : {GgufValueType::Uint16, GgufValueType::Int16, GgufValueType::Int32,
                                   GgufValueType::Uint64, GgufValueType::Int64}) {
            CustomGguf custom;
            custom.int_type = type;
            const std::string path = file("widths.gguf");
            write_custom_gguf(model, path, custom);
            const Model loaded = load_model(path);
            compare_config(loaded.config, model.config);
            compare_weights(loaded.weights, model.weights);
        }
    }

    void defaultsWhenKeysAreAbsent() {
        ModelConfig config = small_config();
        config.n_kv_heads = config.n_heads;  // head_count_kv defaults to head_count
        const Model model = random_model(config, 6, /*with_vocab=*/false);
        CustomGguf custom;
        custom.omit_optional = true;
        const std::string path = file("defaults.gguf");
        write_custom_gguf(model, path, custom);
        const Model loaded = load_model(path);
        QCOMPARE(loaded.config.n_kv_heads, config.n_heads);
        QCOMPARE(loaded.config.rope_freq_base, 10000.0f);
        QCOMPARE(loaded.config.rms_eps, 1e-5f);
        QCOMPARE(loaded.config.vocab_size, config.vocab_size);  // from token_embd's shape
        QCOMPARE(loaded.config.name, std::string("defaults"));  // the file's stem
        QVERIFY(!loaded.vocab.has_value());
        QCOMPARE(loaded.tokenizer_kind, std::string());
    }

    void vocabDefaults() {
        const Model model = test_model(7);
        CustomGguf custom;
        custom.extra_metadata = [&](GgufWriter& w) {
            w.set_string("tokenizer.ggml.model", "llama");
            w.set_string_array("tokenizer.ggml.tokens", model.vocab->tokens);
        };
        const std::string path = file("vocab_defaults.gguf");
        write_custom_gguf(model, path, custom);
        const Model loaded = load_model(path);
        QVERIFY(loaded.vocab.has_value());
        const Vocab& v = *loaded.vocab;
        QCOMPARE(v.tokens, model.vocab->tokens);
        QCOMPARE(v.scores, std::vector<float>(model.vocab->tokens.size(), 0.0f));
        QVERIFY(v.types == std::vector<TokenType>(v.tokens.size(), TokenType::Normal));
        QCOMPARE(v.bos_id, 1);
        QCOMPARE(v.eos_id, 2);
        QCOMPARE(v.unk_id, 0);
        QVERIFY(v.add_bos);
        QVERIFY(v.add_space_prefix);
    }

    void otherTokenizerKeepsModelLoadable() {
        const Model model = test_model(8);
        CustomGguf custom;
        custom.extra_metadata = [](GgufWriter& w) {
            w.set_string("tokenizer.ggml.model", "gpt2");
            w.set_string_array("tokenizer.ggml.tokens", {"a", "b"});
        };
        const std::string path = file("gpt2.gguf");
        write_custom_gguf(model, path, custom);
        const Model loaded = load_model(path);
        QCOMPARE(loaded.tokenizer_kind, std::string("gpt2"));
        QVERIFY(!loaded.vocab.has_value());
        compare_weights(loaded.weights, model.weights);
    }

    void llama2cRoundTrip() {
        for (bool tied : {false, true}) {
            QTemporaryDir dir;
            QVERIFY(dir.isValid());
            Model model = test_model(tied ? 9 : 10, tied);
            model.config.rope_freq_base = 10000.0f;  // what llama2.c implies
            model.config.rms_eps = 1e-5f;
            model.vocab->add_space_prefix = true;
            const std::string path = dir.filePath("stories.bin").toStdString();
            const std::string tokenizer = dir.filePath("tokenizer.bin").toStdString();
            write_model_llama2c(model, path, tokenizer);

            // the size the header implies, worked out from llama2.c's layout
            const ModelConfig& c = model.config;
            const int64_t kv_dim = c.dim / c.n_heads * c.n_kv_heads;
            const int64_t floats = int64_t{c.vocab_size} * c.dim +
                                   int64_t{c.n_layers} * (2 * c.dim + 2 * c.dim * c.dim + 2 * kv_dim * c.dim +
                                                          3 * c.dim * c.hidden_dim) +
                                   c.dim + int64_t{c.context_length} * (c.dim / c.n_heads) +
                                   (tied ? 0 : int64_t{c.vocab_size} * c.dim);
            QCOMPARE(QFileInfo(dir.filePath("stories.bin")).size(), 28 + 4 * floats);

            const Model loaded = load_model(path);
            QCOMPARE(loaded.format, ModelFormat::Llama2c);
            QCOMPARE(loaded.format_version, uint32_t{0});
            QCOMPARE(loaded.config.name, std::string("stories"));
            compare_config(loaded.config, model.config);
            compare_weights(loaded.weights, model.weights);
            QCOMPARE(loaded.tokenizer_kind, std::string("llama"));
            QVERIFY(loaded.vocab.has_value());
            // tokenizer.bin has no token types: readers infer them, Unused becomes Normal
            Vocab expected = *model.vocab;
            for (TokenType& type : expected.types) {
                if (type == TokenType::Unused) type = TokenType::Normal;
            }
            compare_vocab(*loaded.vocab, expected);
            QCOMPARE(loaded.tensors.front().name, std::string("token_embedding_table"));
            QCOMPARE(loaded.tensors.front().shape, (std::vector<int64_t>{c.dim, c.vocab_size}));
            QCOMPARE(loaded.tensors[2].name, std::string("wq"));
            QCOMPARE(loaded.tensors[2].shape, (std::vector<int64_t>{c.dim, c.dim, c.n_layers}));
            QCOMPARE(loaded.tensors.back().name, std::string(tied ? "freq_cis_imag" : "wcls"));

            // an explicit tokenizer path; and no tokenizer at all
            QVERIFY(QFile::rename(dir.filePath("tokenizer.bin"), dir.filePath("other.bin")));
            const Model without = load_model(path);
            QVERIFY(!without.vocab.has_value());
            QCOMPARE(without.tokenizer_kind, std::string());
            LoadOptions options;
            options.llama2c_tokenizer_path = dir.filePath("other.bin").toStdString();
            const Model with = load_model(path, options);
            QVERIFY(with.vocab.has_value());
            QCOMPARE(with.vocab->tokens, model.vocab->tokens);
        }
    }
};

QTEST_APPLESS_MAIN(TestGguf)
#include "test_gguf.moc"
