// Named options as decodelab-cli takes them (--name value, --flag) and as lesson scenarios
// give them: the CLI, the scenarios and the app read run settings through these.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dlab {

class Args {
public:
    // Parses argv[first..argc). `flags` take no value, `options` take one (the last one
    // given wins; values() keeps them all); anything else starting with "--" is refused.
    // Positional arguments are kept in order.
    Args(int argc, char** argv, int first, std::set<std::string> flags, std::set<std::string> options);
    // Parses "key=value,key=value,flag" with the same option and flag names (for --compare).
    static Args from_pairs(const std::string& text, const std::set<std::string>& options,
                           const std::set<std::string>& flags = {});
    // Named values and flags as a scenario gives them, checked against the same names.
    static Args from_named(const std::vector<std::pair<std::string, std::string>>& values,
                           const std::vector<std::string>& flags_on, const std::set<std::string>& options,
                           const std::set<std::string>& flags);

    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::string value(const std::string& name, const std::string& fallback = {}) const;
    std::string required(const std::string& name) const;
    // Integer option within [min, max]; throws InvalidArgument naming the option otherwise.
    int integer(const std::string& name, int fallback, int min, int max) const;
    // A finite number; range checks belong to the caller (GenerationConfig::validate).
    double real(const std::string& name, double fallback) const;
    const std::vector<std::string>& values(const std::string& name) const;
    const std::vector<std::string>& positional() const { return m_positional; }

private:
    std::set<std::string> m_flags;
    Args() = default;
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::vector<std::string>> m_all_values;
    std::vector<std::string> m_positional;
};

// "a,b,,c" → {"a", "b", "", "c"}: the list options' values (--chain, --head-dims …).
std::vector<std::string> split_commas(const std::string& text);

}  // namespace dlab
