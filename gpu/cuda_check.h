// Every CUDA runtime call goes through DLAB_CUDA_CHECK: an error becomes a dlab::Error
// naming the call's file and line, never a silent wrong answer.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "common/error.h"

namespace dlab {

class CudaError : public Error {
public:
    using Error::Error;
};

[[noreturn]] inline void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
    throw CudaError(std::string("CUDA error at ") + file + ":" + std::to_string(line) + ": " + call + ": " +
                    cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

}  // namespace dlab

#define DLAB_CUDA_CHECK(call)                                                                   \
    do {                                                                                        \
        const cudaError_t dlab_status_ = (call);                                                \
        if (dlab_status_ != cudaSuccess) ::dlab::throw_cuda_error(dlab_status_, #call, __FILE__, __LINE__); \
    } while (0)
