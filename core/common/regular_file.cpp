#include "common/regular_file.h"

#include <sys/stat.h>

#include "common/error.h"

namespace dlab {

void require_regular_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
        throw Error(path + ": not a regular file");
}

}  // namespace dlab
