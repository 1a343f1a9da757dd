#include "options/args.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/error.h"

namespace dlab {

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
            m_all_values[name].push_back(m_values[name]);
        } else {
            throw InvalidArgument("unknown option " + arg);
        }
    }
}

Args Args::from_pairs(const std::string& text, const std::set<std::string>& options,
                      const std::set<std::string>& flags) {
    Args args;
    size_t begin = 0;
    while (begin <= text.size()) {
        const size_t end = std::min(text.find(',', begin), text.size());
        const std::string pair = text.substr(begin, end - begin);
        begin = end + 1;
        if (flags.count(pair)) {
            args.m_flags.insert(pair);
            continue;
        }
        const size_t eq = pair.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InvalidArgument("'" + text + "': expected key=value pairs separated by commas");
        const std::string key = pair.substr(0, eq);
        if (flags.count(key)) throw InvalidArgument("'" + text + "': '" + key + "' is a flag and takes no value");
        if (!options.count(key)) throw InvalidArgument("'" + text + "': unknown option '" + key + "'");
        args.m_values[key] = pair.substr(eq + 1);
        args.m_all_values[key].push_back(args.m_values[key]);
    }
    return args;
}

Args Args::from_named(const std::vector<std::pair<std::string, std::string>>& values,
                      const std::vector<std::string>& flags_on, const std::set<std::string>& options,
                      const std::set<std::string>& flags) {
    Args args;
    for (const auto& [name, value] : values) {
        if (flags.count(name)) throw InvalidArgument("'" + name + "' is a flag: write it as true or false");
        if (!options.count(name)) throw InvalidArgument("unknown option '" + name + "'");
        args.m_values[name] = value;
        args.m_all_values[name].push_back(value);
    }
    for (const std::string& name : flags_on) {
        if (!flags.count(name)) throw InvalidArgument("'" + name + "' is not a flag" + (options.count(name) ? " (it takes a value)" : ""));
        args.m_flags.insert(name);
    }
    return args;
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

double Args::real(const std::string& name, double fallback) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return fallback;
    const std::string& text = it->second;
    double value = 0.0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
        throw InvalidArgument("--" + name + ": '" + text + "' is not a number");
    return value;
}

const std::vector<std::string>& Args::values(const std::string& name) const {
    static const std::vector<std::string> kNone;
    auto it = m_all_values.find(name);
    return it == m_all_values.end() ? kNone : it->second;
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> parts;
    size_t begin = 0;
    while (begin <= text.size()) {
        const size_t end = std::min(text.find(',', begin), text.size());
        parts.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return parts;
}

}  // namespace dlab
