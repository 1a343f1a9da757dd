// A typed buffer in device memory that owns it (RAII, move-only). Grows on demand and
// never shrinks, so a decode step allocates nothing once the shapes have been seen.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "cuda_check.h"

namespace dlab {

template <typename T>
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(size_t n) { reserve(n); }
    ~DeviceBuffer() {
        if (m_data) cudaFree(m_data);  // no throwing from a destructor; errors surface on the next checked call
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& other) noexcept
        : m_data(std::exchange(other.m_data, nullptr)), m_capacity(std::exchange(other.m_capacity, 0)) {}
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
        if (this != &other) {
            if (m_data) cudaFree(m_data);
            m_data = std::exchange(other.m_data, nullptr);
            m_capacity = std::exchange(other.m_capacity, 0);
        }
        return *this;
    }

    // Room for at least n elements; the old contents are dropped when it grows.
    void reserve(size_t n) {
        if (n <= m_capacity) return;
        if (m_data) DLAB_CUDA_CHECK(cudaFree(m_data));
        m_data = nullptr;
        m_capacity = 0;
        void* data = nullptr;
        DLAB_CUDA_CHECK(cudaMalloc(&data, n * sizeof(T)));
        m_data = static_cast<T*>(data);
        m_capacity = n;
    }

    T* data() { return m_data; }
    const T* data() const { return m_data; }
    size_t capacity() const { return m_capacity; }

private:
    T* m_data = nullptr;
    size_t m_capacity = 0;
};

}  // namespace dlab
