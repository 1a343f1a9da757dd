// Every cuBLAS call goes through DLAB_CUBLAS_CHECK: a failed status becomes a CudaError
// naming the call's file and line.
#pragma once

#include <cublas_v2.h>

#include <string>

#include "cuda_check.h"

namespace dlab {

[[noreturn]] inline void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line) {
    throw CudaError(std::string("cuBLAS error at ") + file + ":" + std::to_string(line) + ": " + call + ": " +
                    cublasGetStatusName(status) + " (" + cublasGetStatusString(status) + ")");
}

}  // namespace dlab

#define DLAB_CUBLAS_CHECK(call)                                                                           \
    do {                                                                                                  \
        const cublasStatus_t dlab_cublas_status_ = (call);                                                \
        if (dlab_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                                 \
            ::dlab::throw_cublas_error(dlab_cublas_status_, #call, __FILE__, __LINE__);                   \
    } while (0)
