// Byte counts for people: messages and tables.
#pragma once

#include <string>

namespace dlab {

// Three significant digits in B, KiB, MiB, GiB or TiB: "512 B", "1.5 KiB", "12.7 GiB".
std::string human_bytes(double bytes);

}  // namespace dlab
