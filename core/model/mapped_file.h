// A read-only file mapped into memory for the lifetime of the object (RAII).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dlab {

class MappedFile {
public:
    // Maps the whole file; throws Error naming the path when it cannot be opened or mapped.
    explicit MappedFile(const std::string& path);
    // A view of bytes that live elsewhere for as long as this object (a model compiled
    // into the program); `name` stands for the path in messages.
    static MappedFile borrow(const std::string& name, const uint8_t* data, size_t size);
    ~MappedFile();

    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::string& path() const { return m_path; }
    const uint8_t* data() const { return m_data; }  // [size()]; null when the file is empty
    size_t size() const { return m_size; }

private:
    MappedFile() = default;
    void release();

    std::string m_path;
    const uint8_t* m_data = nullptr;  // [m_size]
    size_t m_size = 0;
    bool m_owned = false;  // unmapped on release
};

}  // namespace dlab
