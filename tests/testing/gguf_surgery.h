// Byte-level editing of model files, for tests that corrupt a valid file at offsets
// worked out from the GGUF layout.
#pragma once

#include <QByteArray>
#include <QTest>
#include <cstring>
#include <string>

namespace dlab::testing {

// GGUF header: magic u32 @0, version u32 @4, n_tensors u64 @8, n_kv u64 @16, metadata @24.
constexpr qsizetype kVersionAt = 4;
constexpr qsizetype kTensorCountAt = 8;
constexpr qsizetype kMetadataCountAt = 16;

QByteArray read_all(const std::string& path);
void write_all(const std::string& path, const QByteArray& bytes);

template <typename T>
void patch(QByteArray& bytes, qsizetype at, T value) {
    QVERIFY(at >= 0 && at + qsizetype(sizeof(T)) <= bytes.size());
    std::memcpy(bytes.data() + at, &value, sizeof(T));
}

// Offset of the (unique) occurrence of `text` as a GGUF string: its u64 length prefix;
// -1 when absent or not unique.
qsizetype string_at(const QByteArray& bytes, const std::string& text);

// Offset just after a metadata key: where its u32 value type is.
qsizetype value_of(const QByteArray& bytes, const std::string& key);

// Offsets inside the tensor info of `name`: n_dims, then type and offset after the dims.
struct TensorInfoAt {
    qsizetype n_dims = -1;
    qsizetype type = -1;
    qsizetype offset = -1;
};
TensorInfoAt tensor_info_at(const QByteArray& bytes, const std::string& name);

}  // namespace dlab::testing
