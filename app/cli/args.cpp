#include "args.h"

#include <charconv>

#include "common/error.h"

namespace dlab::cli {

Args::Args(int argc, char** argv, int first, std::set<std::string> flags, std::set<std::string> options) {
    for (int i = first; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) {
            m_positional.push_back(arg);
            continue;
        }
        const std::string name = arg.substr(2);
        if (flags.count(name)) {
            m_flags.insert(name);
        } else if (options.count(name)) {
            if (i + 1 >= argc) throw InvalidArgument("option --" + name + " needs a value");
            m_values[name] = argv[++i];
        } else {
            throw InvalidArgument("unknown option " + arg);
        }
    }
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? fallback : it->second;
}

std::string Args::required(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) throw InvalidArgument("option --" + name + " is required");
    return it->second;
}

int Args::integer(const std::string& name, int fallback, int min, int max) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return fallback;
    const std::string& text = it->second;
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        throw InvalidArgument("--" + name + ": '" + text + "' is not an integer");
    if (value < min || value > max)
        throw InvalidArgument("--" + name + ": " + text + " is outside [" + std::to_string(min) + ", " +
                              std::to_string(max) + "]");
    return value;
}

}  // namespace dlab::cli
