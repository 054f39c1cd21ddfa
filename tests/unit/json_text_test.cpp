// append_json_string writes the JSON strings of disclosure rows and log lines by hand: whatever
// a string holds, the text must parse back to exactly that string.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "util/json_text.hpp"

namespace kamer::server {
namespace {
namespace json = boost::json;

std::string as_json(std::string_view s) {
    std::string out = "prefix ";
    append_json_string(out, s);
    return out.substr(7);
}

TEST(JsonText, EveryCharacterParsesBackToItself) {
    std::string all;
    for (int c = 1; c < 0x80; ++c) all += static_cast<char>(c);
    all += std::string("\0", 1) + "Zoë – ü 🙂";
    auto text = as_json(all);
    EXPECT_EQ(json::parse(text).as_string(), all) << text;
}

TEST(JsonText, EscapesOnlyWhatJsonRequires) {
    EXPECT_EQ(as_json(""), "\"\"");
    EXPECT_EQ(as_json("plain text, ü"), "\"plain text, ü\"");
    EXPECT_EQ(as_json("\"a\\b\""), R"("\"a\\b\"")");
    EXPECT_EQ(as_json("\n\r\t\x01\x1f"), R"("\n\r\t\u0001\u001f")");
    EXPECT_EQ(as_json("x\ny"), R"("x\ny")");
    EXPECT_EQ(as_json("</script>"), "\"</script>\"");
}

}  // namespace
}  // namespace kamer::server
