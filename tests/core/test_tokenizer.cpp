// The SentencePiece BPE tokenizer against encodings worked out by hand from small
// vocabularies built here, following llama.cpp's llm_tokenizer_spm step by step.
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab.h"

using namespace dlab;

namespace {

// The test vocabulary: 0 <unk>, 1 <s>, 2 </s>, 3 + b the byte token <0xb>, then the pieces
// below from id 259 on. "▁" is U+2581, SentencePiece's space.
enum : int {
    kUnk = 0,
    kBos = 1,
    kEos = 2,
    kSp = 259,  // "▁"     -100
    kT,         // "t"     -101
    kH,         // "h"     -102
    kE,         // "e"     -103
    kA,         // "a"     -104
    kC,         // "c"     -105
    kO,         // "o"     -106
    kSpT,       // "▁t"    -5
    kSpTh,      // "▁th"   -8
    kSpThe,     // "▁the"  -1
    kHe,        // "he"    -2
    kAt,        // "at"    -3
    kSpC,       // "▁c"    -6
    kSpCat,     // "▁cat"  -4
    kSpA,       // "▁a"    -7
    kOo,        // "oo"    -9
    kHa,        // "ha"    -12
    kSpSp,      // "▁▁"    -11
    kVocabSize
};

constexpr int byte_id(unsigned char b) { return 3 + b; }

Vocab test_vocab(bool add_space_prefix = true) {
    const std::pair<const char*, float> pieces[] = {
        {"▁", -100}, {"t", -101},  {"h", -102}, {"e", -103},  {"a", -104}, {"c", -105},
        {"o", -106}, {"▁t", -5},   {"▁th", -8}, {"▁the", -1}, {"he", -2},  {"at", -3},
        {"▁c", -6},  {"▁cat", -4}, {"▁a", -7},  {"oo", -9},   {"ha", -12}, {"▁▁", -11}};
    Vocab v;
    v.tokens = {"<unk>", "<s>", "</s>"};
    v.types = {TokenType::Unknown, TokenType::Control, TokenType::Control};
    v.scores = {0, 0, 0};
    static const char kHex[] = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b) {
        v.tokens.push_back(std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">");
        v.types.push_back(TokenType::Byte);
        v.scores.push_back(0);
    }
    for (const auto& [piece, score] : pieces) {
        v.tokens.push_back(piece);
        v.types.push_back(TokenType::Normal);
        v.scores.push_back(score);
    }
    v.bos_id = kBos;
    v.eos_id = kEos;
    v.unk_id = kUnk;
    v.add_space_prefix = add_space_prefix;
    return v;
}

// A vocabulary of just these pieces (score 0 unless given), without types, bos 1, eos 2, unk 0.
Vocab plain_vocab(std::vector<std::string> tokens, std::vector<float> scores = {}) {
    Vocab v;
    v.tokens = std::move(tokens);
    v.scores = std::move(scores);
    return v;
}

QList<int> ids(const std::vector<int>& v) { return QList<int>(v.begin(), v.end()); }

template <typename E, typename F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "(no exception)";
}

// One tokenizer.bin record, with the length field given separately so tests can lie in it.
struct Record {
    float score;
    int32_t length;
    QByteArray bytes;
};

Record record(const QByteArray& piece, float score = 0) {
    return {score, static_cast<int32_t>(piece.size()), piece};
}

// llama2.c's layout: int32 max_token_length, then per token float score, int32 length, bytes.
QByteArray tokenizer_bin(int32_t max_token_length, const std::vector<Record>& records) {
    QByteArray out;
    auto put = [&out](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
    put(&max_token_length, 4);
    for (const Record& r : records) {
        put(&r.score, 4);
        put(&r.length, 4);
        out.append(r.bytes);
    }
    return out;
}

std::string write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) return {};
    return path.toStdString();
}

// Valid UTF-8 drawn from ASCII (the vocabulary's letters, spaces, punctuation, controls),
// Latin-1, CJK and emoji code points.
std::string random_utf8(QRandomGenerator& rng, int n_chars) {
    static const char32_t kPool[] = {U't',  U'h',  U'e', U'a', U'c', U'o',  U' ',  U' ',
                                     U'\n', U'\t', U'!', U'x', U'é', U'猫', U'中', U'😀'};
    std::string out;
    for (int i = 0; i < n_chars; ++i) {
        char32_t cp;
        switch (rng.bounded(4)) {
            case 0:
                cp = kPool[rng.bounded(int(std::size(kPool)))];
                break;
            case 1:
                cp = rng.bounded(0x01, 0x80);
                break;
            case 2:
                cp = rng.bounded(0x80, 0xD800);
                break;  // below the surrogates
            default:
                cp = rng.bounded(0xE000, 0x110000);
                break;
        }
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private slots:
    void encode_data();
    void encode();
    void encode_without_byte_tokens();
    void duplicate_pieces_use_the_last();
    void control_pieces_merge_by_text();
    void round_trip();
    void decode_token();
    void decode_token_out_of_range();
    void constructor_defaults();
    void constructor_errors();
    void llama2c_vocab();
    void llama2c_vocab_errors();
};

void TestTokenizer::encode_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("add_bos");
    QTest::addColumn<bool>("space_prefix");
    QTest::addColumn<QList<int>>("expected");

    // ▁ t h e: pairs ▁t -5, he -2 (th is no piece). he first; then ▁t; then ▁t+he = ▁the.
    QTest::newRow("the") << QByteArray("the") << false << true << QList<int>{kSpThe};
    QTest::newRow("the with bos") << QByteArray("the") << true << true << QList<int>{kBos, kSpThe};
    // ▁ t h x: ▁t, then ▁t+h = ▁th -8; ▁thx is no piece, x falls back to its byte.
    QTest::newRow("chained merge") << QByteArray("thx") << false << true << QList<int>{kSpTh, byte_id('x')};
    // ▁ h a t: at -3 beats ha -12; ha is then stale (h+at is 3 bytes, not 2).
    QTest::newRow("higher score first") << QByteArray("hat") << false << true << QList<int>{kSp, kH, kAt};
    // ▁ o o o: two oo -9 pairs tie; the leftmost merges and the other goes stale.
    QTest::newRow("tie goes leftmost") << QByteArray("ooo") << false << true << QList<int>{kSp, kOo, kO};
    // ▁ ▁ ▁: the same tie between two ▁▁ pairs.
    QTest::newRow("spaces only") << QByteArray("  ") << false << true << QList<int>{kSpSp, kSp};
    // ▁ c a t: at -3, ▁c -6, then ▁c+at = ▁cat -4 (ca is no piece).
    QTest::newRow("cat") << QByteArray("cat") << false << true << QList<int>{kSpCat};
    // ▁ a ▁ c a t: at, ▁c, ▁cat, then ▁a -7; a▁ and ▁a▁cat are no pieces.
    QTest::newRow("a cat") << QByteArray("a cat") << false << true << QList<int>{kSpA, kSpCat};
    QTest::newRow("the cat") << QByteArray("the cat") << false << true << QList<int>{kSpThe, kSpCat};
    // ▁ ▁ t h e: he, ▁t (1,2), ▁the; the ▁▁ pair at (0,1) is then stale.
    QTest::newRow("leading space") << QByteArray(" the") << false << true << QList<int>{kSp, kSpThe};
    QTest::newRow("trailing space") << QByteArray("the ") << false << true << QList<int>{kSpThe, kSp};
    // ▁the ▁ ▁cat: ▁▁ -11 loses to ▁c -6, after which it is stale.
    QTest::newRow("two spaces") << QByteArray("the  cat") << false << true << QList<int>{kSpThe, kSp, kSpCat};
    QTest::newRow("punctuation") << QByteArray("cat!") << false << true << QList<int>{kSpCat, byte_id('!')};
    QTest::newRow("newline") << QByteArray("\n") << false << true << QList<int>{kSp, byte_id('\n')};
    // Characters missing from the vocabulary become their UTF-8 bytes.
    QTest::newRow("e acute") << QByteArray("é") << false << true
                             << QList<int>{kSp, byte_id(0xC3), byte_id(0xA9)};
    QTest::newRow("cjk") << QByteArray("猫") << false << true
                         << QList<int>{kSp, byte_id(0xE7), byte_id(0x8C), byte_id(0xAB)};
    QTest::newRow("the cat in cjk") << QByteArray("the猫") << true << true
                                    << QList<int>{kBos, kSpThe, byte_id(0xE7), byte_id(0x8C), byte_id(0xAB)};
    // Invalid UTF-8 splits as in llama.cpp: a lead byte claims its followers unchecked (so
    // the t after 0xC3 is spelled as a byte), a stray continuation byte stands alone, and a
    // sequence cut off by the end is cut short.
    QTest::newRow("lead byte claims t")
        << QByteArray("\xC3t") << false << true << QList<int>{kSp, byte_id(0xC3), byte_id('t')};
    QTest::newRow("stray continuation")
        << QByteArray("\x80t") << false << true << QList<int>{kSp, byte_id(0x80), kT};
    QTest::newRow("truncated at end")
        << QByteArray("t\xE7") << false << true << QList<int>{kSpT, byte_id(0xE7)};
    QTest::newRow("empty") << QByteArray("") << false << true << QList<int>{};
    QTest::newRow("empty with bos") << QByteArray("") << true << true << QList<int>{kBos};
    // Without the dummy prefix: t h e gives t + he; a ▁ c a t gives a + ▁cat.
    QTest::newRow("no prefix: the") << QByteArray("the") << false << false << QList<int>{kT, kHe};
    QTest::newRow("no prefix: a cat") << QByteArray("a cat") << true << false << QList<int>{kBos, kA, kSpCat};
    QTest::newRow("no prefix: leading space") << QByteArray(" the") << false << false << QList<int>{kSpThe};
}

void TestTokenizer::encode() {
    QFETCH(QByteArray, text);
    QFETCH(bool, add_bos);
    QFETCH(bool, space_prefix);
    QFETCH(QList<int>, expected);
    const Tokenizer tokenizer(test_vocab(space_prefix));
    QCOMPARE(ids(tokenizer.encode(text.toStdString(), add_bos)), expected);
}

void TestTokenizer::encode_without_byte_tokens() {
    // No <0xXX> tokens: a byte falls back to its one-byte piece (0xC3 here), else <unk>.
    const Tokenizer tokenizer(plain_vocab({"<unk>", "<s>", "</s>", "▁", "a", "\xC3"}));
    QCOMPARE(ids(tokenizer.encode("ab", false)), (QList<int>{3, 4, 0}));
    QCOMPARE(ids(tokenizer.encode("é", false)), (QList<int>{3, 5, 0}));
}

void TestTokenizer::duplicate_pieces_use_the_last() {
    // "ab" appears as 6 (score 10) and 8 (score 1). llama.cpp keeps the last: ab scores 1,
    // so ▁a (5) merges first and b stays alone. Were the first kept, ab would win: ▁ ab.
    const Tokenizer tokenizer(plain_vocab({"<unk>", "<s>", "</s>", "▁", "a", "b", "ab", "▁a", "ab"},
                                          {0, 0, 0, -1, -1, -1, 10, 5, 1}));
    QCOMPARE(ids(tokenizer.encode("ab", false)), (QList<int>{7, 5}));
}

void TestTokenizer::control_pieces_merge_by_text() {
    // llama.cpp looks merged pieces up by text whatever their type: < s > merges through
    // "<s" into "<s>", which is the control token 1.
    Vocab v = plain_vocab({"<unk>", "<s>", "</s>", "<", "s", ">", "<s"});
    v.add_space_prefix = false;
    const Tokenizer tokenizer(v);
    QCOMPARE(ids(tokenizer.encode("<s>", false)), (QList<int>{1}));
    QCOMPARE(tokenizer.vocab().types[1], TokenType::Control);
}

void TestTokenizer::round_trip() {
    const Tokenizer with_prefix(test_vocab(true));
    const Tokenizer without_prefix(test_vocab(false));
    std::vector<std::string> texts = {"the cat",
                                      " the cat ",
                                      "  two  spaces  ",
                                      "line\nbreaks\n\n",
                                      "tab\there",
                                      "中文文本，猫。",
                                      "emoji 😀🎉 and é",
                                      "\n",
                                      " ",
                                      "a"};
    QRandomGenerator rng(1234);
    for (int i = 0; i < 300; ++i) texts.push_back(random_utf8(rng, 1 + int(rng.bounded(40))));
    texts.push_back(random_utf8(rng, 4000));  // a long prompt
    for (const std::string& text : texts) {
        for (const Tokenizer* tokenizer : {&with_prefix, &without_prefix}) {
            const std::vector<int> tokens = tokenizer->encode(text, true);
            QCOMPARE(tokenizer->decode(tokens), text);
            for (int id : tokens) QVERIFY(id != kUnk);
        }
    }
}

void TestTokenizer::decode_token() {
    const Tokenizer tokenizer(test_vocab(true));
    QCOMPARE(tokenizer.decode_token(kBos, kSpThe), std::string("the"));  // dummy prefix dropped
    QCOMPARE(tokenizer.decode_token(-1, kSpThe), std::string(" the"));
    QCOMPARE(tokenizer.decode_token(kSpThe, kSpCat), std::string(" cat"));
    QCOMPARE(tokenizer.decode_token(kBos, kSpSp), std::string(" "));  // only one space
    QCOMPARE(tokenizer.decode_token(kBos, kSp), std::string(""));
    QCOMPARE(tokenizer.decode_token(kBos, byte_id(' ')), std::string(" "));  // a byte is kept
    QCOMPARE(tokenizer.decode_token(kSpThe, byte_id(0xE7)), std::string("\xE7"));
    QCOMPARE(tokenizer.decode_token(kSpThe, kBos), std::string(""));
    QCOMPARE(tokenizer.decode_token(kSpThe, kEos), std::string(""));
    QCOMPARE(tokenizer.decode_token(kSpThe, kUnk), std::string(""));
    QCOMPARE(tokenizer.decode({kBos, kSpThe, kSp, kSpCat, kEos}), std::string("the  cat"));

    const Tokenizer no_prefix(test_vocab(false));
    QCOMPARE(no_prefix.decode_token(kBos, kSpThe), std::string(" the"));
}

void TestTokenizer::decode_token_out_of_range() {
    const Tokenizer tokenizer(test_vocab(true));
    const std::string message =
        message_of<InvalidArgument>([&] { tokenizer.decode_token(kBos, kVocabSize); });
    QVERIFY2(message.find(std::to_string(kVocabSize)) != std::string::npos, message.c_str());
    QVERIFY2(message.find("vocabulary of " + std::to_string(kVocabSize)) != std::string::npos,
             message.c_str());
    QVERIFY(message_of<InvalidArgument>([&] { tokenizer.decode_token(kBos, -1); }).find("-1") !=
            std::string::npos);
}

void TestTokenizer::constructor_defaults() {
    // Without scores and types: scores 0, special ids typed, <0xXX> pieces are bytes.
    const Tokenizer tokenizer(plain_vocab({"<unk>", "<s>", "</s>", "<0x41>", "▁b"}));
    const Vocab& v = tokenizer.vocab();
    QCOMPARE(v.scores, (std::vector<float>(5, 0.0f)));
    QCOMPARE(v.types, (std::vector<TokenType>{TokenType::Unknown, TokenType::Control, TokenType::Control,
                                              TokenType::Byte, TokenType::Normal}));
    // ▁ A ▁ b: ▁b merges; the first ▁ has no piece and no byte tokens, so <unk> per byte.
    QCOMPARE(ids(tokenizer.encode("A b", true)), (QList<int>{1, 0, 0, 0, 3, 4}));
    QCOMPARE(tokenizer.decode({1, 3, 4}), std::string("A b"));
}

void TestTokenizer::constructor_errors() {
    auto error = [](Vocab v) { return message_of<FormatError>([&] { Tokenizer t(std::move(v)); }); };

    Vocab big = plain_vocab(std::vector<std::string>(1000, "x"));
    big.bos_id = 5000;
    QCOMPARE(error(big),
             std::string("tokenizer: bos_token_id 5000 is out of range for a vocabulary of 1000 tokens"));
    big.bos_id = 1;
    big.eos_id = -1;
    QVERIFY(error(big).find("eos_token_id -1") != std::string::npos);
    big.eos_id = 2;
    big.unk_id = 1000;
    QVERIFY(error(big).find("unknown_token_id 1000") != std::string::npos);

    QVERIFY(error(Vocab{}).find("no tokens") != std::string::npos);

    Vocab scores = test_vocab();
    scores.scores.pop_back();
    QVERIFY(error(scores).find("scores") != std::string::npos);

    Vocab types = test_vocab();
    types.types.push_back(TokenType::Normal);
    QVERIFY(error(types).find("types") != std::string::npos);

    Vocab bad_type = test_vocab();
    bad_type.types[kSpA] = static_cast<TokenType>(9);
    QVERIFY(error(bad_type).find("token " + std::to_string(kSpA)) != std::string::npos);

    Vocab bad_byte = test_vocab();
    bad_byte.types[kSpA] = TokenType::Byte;
    QVERIFY(error(bad_byte).find("<0xXX>") != std::string::npos);
}

void TestTokenizer::llama2c_vocab() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // As llama2.c's export writes it: <s> and </s> wrapped in newlines, spaces as ' '.
    const std::vector<Record> records = {record("<unk>"),      record("\n<s>\n"),       record("\n</s>\n"),
                                         record("<0x0A>"),     record(" ", -1.0f),      record("t", -2.0f),
                                         record("h", -3.0f),   record("e", -4.0f),      record(" t", -0.5f),
                                         record("he", -0.25f), record(" the", -0.125f), record("")};
    const std::string path = write_file(dir, "tokenizer.bin", tokenizer_bin(6, records));
    QVERIFY(!path.empty());

    const Vocab v = load_llama2c_vocab(path, int(records.size()));
    QCOMPARE(v.tokens, (std::vector<std::string>{"<unk>", "<s>", "</s>", "<0x0A>", "▁", "t", "h", "e", "▁t",
                                                 "he", "▁the", ""}));
    QCOMPARE(v.scores, (std::vector<float>{0, 0, 0, 0, -1, -2, -3, -4, -0.5f, -0.25f, -0.125f, 0}));
    using T = TokenType;
    QCOMPARE(v.types, (std::vector<T>{T::Unknown, T::Control, T::Control, T::Byte, T::Normal, T::Normal,
                                      T::Normal, T::Normal, T::Normal, T::Normal, T::Normal, T::Control}));
    QCOMPARE(v.unk_id, 0);
    QCOMPARE(v.bos_id, 1);
    QCOMPARE(v.eos_id, 2);
    QVERIFY(v.add_bos);
    QVERIFY(v.add_space_prefix);

    // ▁ t h e \n: he -0.25, ▁t -0.5, ▁the; \n is the byte token 3.
    const Tokenizer tokenizer(v);
    QCOMPARE(ids(tokenizer.encode("the\n", true)), (QList<int>{1, 10, 3}));
    QCOMPARE(tokenizer.decode({1, 10, 3, 2}), std::string("the\n"));

    // Fewer tokens than the file holds: the rest is ignored, as llama2.c does.
    QCOMPARE(load_llama2c_vocab(path, 5).tokens.size(), size_t(5));
}

void TestTokenizer::llama2c_vocab_errors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<Record> good = {record("<unk>"), record("\n<s>\n"), record("\n</s>\n"),
                                      record("a"),     record("bc"),      record("def")};
    const QByteArray bytes = tokenizer_bin(6, good);
    auto load_error = [&](const QByteArray& file, int vocab_size) -> std::pair<std::string, std::string> {
        const std::string path = write_file(dir, "bad.bin", file);
        return {path, message_of<FormatError>([&] { load_llama2c_vocab(path, vocab_size); })};
    };
    auto expect = [](const std::pair<std::string, std::string>& got, const std::string& part) {
        const auto& [path, message] = got;
        QVERIFY2(message.starts_with(path + ": "), message.c_str());
        QVERIFY2(message.find(part) != std::string::npos, message.c_str());
    };

    // Record 5 starts at 4 + (8+5) + (8+5) + (8+6) + (8+1) + (8+2) = 63; its piece at 71.
    expect(load_error(bytes.left(73), 6), "truncated tokenizer.bin at token 5 of 6");
    expect(load_error(bytes.left(63), 6), "truncated tokenizer.bin at token 5 of 6");
    expect(load_error(bytes.left(66), 6), "truncated tokenizer.bin at token 5 of 6");
    expect(load_error(bytes, 7), "truncated tokenizer.bin at token 6 of 7");
    expect(load_error(bytes.left(2), 6), "max_token_length");
    expect(load_error(tokenizer_bin(0, good), 6), "max_token_length 0");

    std::vector<Record> negative = good;
    negative[3].length = -5;
    expect(load_error(tokenizer_bin(6, negative), 6), "negative length -5 at token 3");

    std::vector<Record> huge = good;
    huge[4].length = 1 << 30;
    expect(load_error(tokenizer_bin(6, huge), 6), "length 1073741824 above max_token_length 6 at token 4");
    expect(load_error(tokenizer_bin(6, huge), 0x7fffffff), "at token 4");

    const std::string missing = dir.filePath("missing.bin").toStdString();
    const std::string message = message_of<Error>([&] { load_llama2c_vocab(missing, 6); });
    QVERIFY2(message.starts_with(missing + ": "), message.c_str());
    QVERIFY(message_of<InvalidArgument>([&] { load_llama2c_vocab(missing, 0); }).find("vocab_size 0") !=
            std::string::npos);
}

QTEST_APPLESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
