#include "testing/gguf_surgery.h"

#include <QFile>

namespace dlab::testing {

QByteArray read_all(const std::string& path) {
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

void write_all(const std::string& path, const QByteArray& bytes) {
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

qsizetype string_at(const QByteArray& bytes, const std::string& text) {
    QByteArray needle(8, '\0');
    const uint64_t length = text.size();
    std::memcpy(needle.data(), &length, 8);
    needle += QByteArray::fromStdString(text);
    const qsizetype at = bytes.indexOf(needle);
    if (at < 0 || bytes.indexOf(needle, at + 1) >= 0) return -1;
    return at;
}

qsizetype value_of(const QByteArray& bytes, const std::string& key) {
    const qsizetype at = string_at(bytes, key);
    return at < 0 ? -1 : at + 8 + qsizetype(key.size());
}

TensorInfoAt tensor_info_at(const QByteArray& bytes, const std::string& name) {
    TensorInfoAt at;
    const qsizetype start = string_at(bytes, name);
    if (start < 0) return at;
    at.n_dims = start + 8 + qsizetype(name.size());
    uint32_t n_dims = 0;
    std::memcpy(&n_dims, bytes.constData() + at.n_dims, 4);
    at.type = at.n_dims + 4 + 8 * qsizetype(n_dims);
    at.offset = at.type + 4;
    return at;
}

}  // namespace dlab::testing
