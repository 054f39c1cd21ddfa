// From command-line options to a request body. Only the shape is checked here; the server
// validates every value (and says which field is wrong, which the CLI passes on).
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "output.hpp"

namespace kamer::cli {
namespace json = boost::json;

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, sep))
        if (!part.empty()) out.push_back(part);
    return out;
}

std::string text_value(const std::string& value) {
    if (value.empty() || value[0] != '@') return value;
    std::ostringstream text;
    if (value == "@-") {
        text << std::cin.rdbuf();
    } else {
        std::ifstream in(value.substr(1));
        if (!in) throw UsageError("cannot read " + value.substr(1));
        text << in.rdbuf();
    }
    auto s = text.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

bool yes_no(const Param& p, const std::string& v) {
    if (v == "yes" || v == "true" || v == "y") return true;
    if (v == "no" || v == "false" || v == "n") return false;
    throw UsageError("--" + p.name + " takes yes or no, not '" + v + "'");
}

json::object person(const std::string& spec) {
    auto parts = split(spec, ':');
    if (parts.size() != 3) throw UsageError("a person is ref:role:pseudonym (e.g. p1:child:Kind A.), not '" + spec + "'");
    return {{"ref", parts[0]}, {"role", parts[1]}, {"pseudonym", parts[2]}};
}

json::object identified(const std::string& spec) {
    json::object person, identifiers;
    for (const auto& pair : split(spec, ',')) {
        auto eq = pair.find('=');
        if (eq == std::string::npos) throw UsageError("expected ref=...,bsn=...,name=...,birth_date=..., not '" + spec + "'");
        auto key = pair.substr(0, eq), value = pair.substr(eq + 1);
        if (key == "ref") person["ref"] = value;
        else identifiers[key] = value;
    }
    person["identifiers"] = std::move(identifiers);
    return person;
}

json::value convert(Context& context, const Param& p, const std::vector<std::string>& values) {
    const std::string& v = values.back();
    switch (p.kind) {
        case Kind::text: return json::string(text_value(v));
        case Kind::integer:
            try {
                return std::stoll(v);
            } catch (const std::exception&) {
                throw UsageError("--" + p.name + " takes a number, not '" + v + "'");
            }
        case Kind::yes_no: return yes_no(p, v);
        case Kind::flag: return true;
        case Kind::list:
        case Kind::dates: {
            json::array a;
            for (const auto& x : values) a.emplace_back(x);
            return a;
        }
        case Kind::organisation: return json::string(context.resolve_organisation(v));
        case Kind::audience: {
            if (v == "all") return "all";
            json::array a;
            for (const auto& org : split(v, ',')) a.emplace_back(context.resolve_organisation(org));
            return a;
        }
        case Kind::local_time:
            try {
                return json::string(utc_from_local(v));
            } catch (const std::invalid_argument& e) {
                throw UsageError(e.what());
            }
        case Kind::person: return person(v);
        case Kind::persons: {
            json::array a;
            for (const auto& x : values) a.push_back(person(x));
            return a;
        }
        case Kind::identified: {
            json::array a;
            for (const auto& x : values) a.push_back(identified(x));
            return a;
        }
    }
    return nullptr;
}

void put(json::object& body, const std::string& path, json::value value) {
    auto dot = path.find('.');
    if (dot == std::string::npos) {
        body[path] = std::move(value);
        return;
    }
    auto& inner = body[path.substr(0, dot)];
    if (!inner.is_object()) inner = json::object();
    put(inner.as_object(), path.substr(dot + 1), std::move(value));
}

}  // namespace

json::object make_body(Context& context, const Command& command, const Invocation& invocation) {
    json::object body;
    for (const auto& p : command.params) {
        if (p.field.empty()) continue;
        auto it = invocation.values.find(p.name);
        if (it != invocation.values.end() && !it->second.empty()) put(body, p.field, convert(context, p, it->second));
        else if (!p.fallback.empty()) put(body, p.field, convert(context, p, {p.fallback}));
    }
    return body;
}

}  // namespace kamer::cli
