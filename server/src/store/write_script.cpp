#include "store/write_script.hpp"

#include <stdexcept>
#include <utility>

namespace kamer::server::store {

void WriteScript::add(std::string_view sql, const std::string& json) {
    auto at = sql.find("$1");
    if (at == std::string_view::npos || sql.find("$1", at + 2) != std::string_view::npos)
        throw std::logic_error("a script statement takes exactly one $1");
    script_.append(sql.substr(0, at)).append(tx_.quote(json)).append(sql.substr(at + 2)).append(";\n");
}

void WriteScript::run() {
    if (script_.empty()) return;
    tx_.exec(script_);
    script_.clear();
}

std::string WriteScript::release() { return std::exchange(script_, {}); }

}  // namespace kamer::server::store
