#include "model/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/error.h"

namespace dlab {

namespace {

[[noreturn]] void fail(const std::string& path, const char* action, int error) {
    throw Error(path + ": cannot " + action + ": " + std::strerror(error));
}

}  // namespace

MappedFile::MappedFile(const std::string& path) : m_path(path) {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; regular files ignore it
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) fail(path, "open", errno);
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        const int error = errno;
        ::close(fd);
        fail(path, "stat", error);
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(fd);
        throw Error(path + ": not a regular file");
    }
    m_size = static_cast<size_t>(info.st_size);
    if (m_size > 0) {
        void* mapping = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapping == MAP_FAILED) {
            const int error = errno;
            ::close(fd);
            fail(path, "map", error);
        }
        m_data = static_cast<const uint8_t*>(mapping);
        m_owned = true;
    }
    // the mapping keeps the file's pages reachable without the descriptor
    ::close(fd);
}

MappedFile MappedFile::borrow(const std::string& name, const uint8_t* data, size_t size) {
    MappedFile view;
    view.m_path = name;
    view.m_data = data;
    view.m_size = size;
    return view;
}

MappedFile::~MappedFile() { release(); }

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_owned(std::exchange(other.m_owned, false)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        m_path = std::move(other.m_path);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_owned = std::exchange(other.m_owned, false);
    }
    return *this;
}

void MappedFile::release() {
    if (m_owned && m_data != nullptr) ::munmap(const_cast<uint8_t*>(m_data), m_size);
    m_data = nullptr;
    m_size = 0;
    m_owned = false;
}

}  // namespace dlab
