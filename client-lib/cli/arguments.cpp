#include "arguments.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace kamer::cli {

std::string value_of(const po::variables_map& args, const std::string& name) {
    return optional_value(args, name).value_or("");
}

std::optional<std::string> optional_value(const po::variables_map& args, const std::string& name) {
    if (!args.count(name)) return std::nullopt;
    return args[name].as<std::string>();
}

std::vector<std::string> values_of(const po::variables_map& args, const std::string& name) {
    if (!args.count(name)) return {};
    return args[name].as<std::vector<std::string>>();
}

bool parse_yes_no(const std::string& option, const std::string& value) {
    if (value == "yes" || value == "y" || value == "true") return true;
    if (value == "no" || value == "n" || value == "false") return false;
    throw UsageError("--" + option + " takes yes or no, not '" + value + "'");
}

void add_text_options(po::options_description& options, const char* what) {
    options.add_options()
        ("text", po::value<std::string>(), what)
        ("file", po::value<std::string>(), "read the text from this file instead (- for standard input)");
}

std::string text_or_file(const po::variables_map& args) {
    auto text = optional_value(args, "text");
    auto file = optional_value(args, "file");
    if (text && file) throw UsageError("give --text or --file, not both");
    if (text) return *text;
    if (!file) throw UsageError("give the text with --text or --file");
    std::ostringstream content;
    if (*file == "-") {
        content << std::cin.rdbuf();
    } else {
        std::ifstream in(*file);
        if (!in) throw UsageError("cannot read " + *file);
        content << in.rdbuf();
    }
    auto s = content.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

protocol::Person parse_person(const std::string& spec) {
    auto first = spec.find(':');
    auto second = first == std::string::npos ? first : spec.find(':', first + 1);
    if (second == std::string::npos || first == 0 || second + 1 == spec.size())
        throw UsageError("a person is ref:role:pseudonym (e.g. p1:child:Kind A.), not '" + spec + "'");
    protocol::Person p;
    p.ref = spec.substr(0, first);
    p.role = parse_enum<protocol::PersonRole>("person role", spec.substr(first + 1, second - first - 1));
    p.pseudonym = spec.substr(second + 1);
    return p;
}

protocol::Audience parse_audience(Context& context, const std::string& spec) {
    protocol::Audience audience;
    if (spec == "all") return audience;
    audience.all = false;
    std::stringstream in(spec);
    std::string part;
    while (std::getline(in, part, ','))
        if (!part.empty()) audience.organisations.push_back(context.resolve_organisation(part));
    if (audience.organisations.empty()) throw UsageError("--audience is all or a list of organisations");
    return audience;
}

std::optional<protocol::List<protocol::Token, 50>> person_refs(const po::variables_map& args) {
    auto refs = values_of(args, "person");
    if (refs.empty()) return std::nullopt;
    protocol::List<protocol::Token, 50> out;
    for (auto& r : refs) out.emplace_back(r);
    return out;
}

}  // namespace kamer::cli
