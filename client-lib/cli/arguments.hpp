#pragma once
// From option values to protocol fields: enumerations by their wire names, persons, audiences,
// text from an option or a file. Mistakes are UsageErrors that name the option.
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "context.hpp"
#include "kamer/protocol/messages/common.hpp"

namespace kamer::cli {

namespace po = boost::program_options;

// The value of an option (or positional argument); "" when absent.
std::string value_of(const po::variables_map& args, const std::string& name);
std::optional<std::string> optional_value(const po::variables_map& args, const std::string& name);
std::vector<std::string> values_of(const po::variables_map& args, const std::string& name);

template <class E>
E parse_enum(const std::string& option, const std::string& value) {
    E out{};
    if (protocol::from_string(value, out)) return out;
    std::string allowed;
    for (auto n : protocol::EnumNames<E>::names) allowed += (allowed.empty() ? "" : ", ") + std::string(n);
    throw UsageError("--" + option + " must be one of " + allowed + ", not '" + value + "'");
}

bool parse_yes_no(const std::string& option, const std::string& value);

// --text, or --file (FILE, or - for standard input); exactly one of them.
std::string text_or_file(const po::variables_map& args);
// The same options, declared for commands that take a text.
void add_text_options(po::options_description& options, const char* what);

// "p1:child:Kind A." (the pseudonym may contain colons).
protocol::Person parse_person(const std::string& spec);
// "all", or organisations separated by commas (OINs or names): an Audience.
protocol::Audience parse_audience(Context& context, const std::string& spec);
// Repeated --person refs, or nothing.
std::optional<protocol::List<protocol::Token, 50>> person_refs(const po::variables_map& args);

}  // namespace kamer::cli
