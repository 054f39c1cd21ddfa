// A disclosure row's body is written as text, not through a JSON library (it is on the path of
// every delivery): it must be the JSON of exactly its records, whatever their strings hold, in
// the shape that `kamerd audit verify` relies on.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "audit/disclosure_log.hpp"

namespace kamer::server::audit {
namespace {
namespace json = boost::json;

Batch resume_batch() {
    Batch b{7, "3f0c6a52-8d1e-4c3b-9a51-0d9a8f4b7e21", "resume", "case-consultation", {}, {}};
    Record full;
    full.entry = 41;
    full.item = "9ee03b65-ea1a-4b99-acee-c551b4d3d7f6";
    full.kind = "contribution.posted";
    full.category = protocol::Category::veilig_thuis_report;
    full.persons = {"ref \"quoted\" and \\ back", std::string("tab\tnewline\ncr\rbell\x07 nul\x01"), "Zoë – ü"};
    full.recipient = "00000004000000001000";
    full.actor = "dr. \"A\" </script>";
    full.actor_for = "wijkteam\\noord";
    full.role = "participant";
    full.view = policy::View::full;
    full.basis = "agreement:lokale-kamer/veilig-thuis-report/sector:politie";
    Record bare;
    bare.entry = 42;
    bare.kind = "member.joined";
    bare.recipient = "00000004000000002000";
    bare.role = "chair";
    bare.view = policy::View::none;
    bare.basis = "withheld:agreement";
    b.records = {full, bare};
    return b;
}

// What the row says, built with the JSON library: keys in the order the row writes them.
json::object expected_body(const Batch& b, std::int64_t seq, const std::string& at) {
    json::array records;
    for (const auto& r : b.records) {
        json::object o;
        o["e"] = r.entry;
        if (!r.item.empty()) o["i"] = r.item;
        o["k"] = r.kind;
        if (r.category) o["c"] = protocol::to_string(*r.category);
        if (!r.persons.empty()) {
            json::array p;
            for (const auto& ref : r.persons) p.emplace_back(ref);
            o["p"] = std::move(p);
        }
        o["o"] = r.recipient;
        if (!r.actor.empty()) o["a"] = r.actor;
        if (!r.actor_for.empty()) o["af"] = r.actor_for;
        o["r"] = r.role;
        o["v"] = r.view == policy::View::full ? "full" : r.view == policy::View::signal ? "signal" : "withheld";
        o["b"] = r.basis;
        records.push_back(std::move(o));
    }
    return json::object{{"seq", seq},       {"at", at},           {"room", b.room_public},
                        {"how", b.how},     {"purpose", b.purpose}, {"records", std::move(records)}};
}

TEST(DisclosureRow, IsTheJsonOfItsRecordsWhateverTheirStringsHold) {
    auto batch = resume_batch();
    const std::string at = "2026-11-23T18:42:10.062Z";
    auto body = row_body(1234, at, batch);

    json::value parsed;
    ASSERT_NO_THROW(parsed = json::parse(body)) << body;
    // Serialising both compares keys in order as well as values.
    EXPECT_EQ(json::serialize(parsed), json::serialize(expected_body(batch, 1234, at)));
    EXPECT_EQ(parsed.at("records").at(0).at("p").at(1).as_string(), batch.records[0].persons[1]);
}

TEST(DisclosureRow, KeepsTheShapeVerificationReadsWithoutParsing) {
    auto batch = resume_batch();
    auto body = row_body(1234, "2026-11-23T18:42:10.062Z", batch);
    // verify() checks that a body belongs to its position by this prefix, and counts records by
    // their first key; a quote inside a string is escaped, so the pattern cannot occur there.
    EXPECT_EQ(body.rfind("{\"seq\":1234,", 0), 0u) << body;
    std::size_t records = 0;
    for (auto at = body.find("{\"e\":"); at != std::string::npos; at = body.find("{\"e\":", at + 5)) ++records;
    EXPECT_EQ(records, batch.records.size());
}

TEST(DisclosureRow, WithoutRecordsIsStillARow) {
    Batch batch{0, "", "notice", "case-consultation", {}, {}};
    auto body = row_body(1, "2026-11-23T18:42:10.062Z", batch);
    EXPECT_EQ(json::serialize(json::parse(body)),
              json::serialize(expected_body(batch, 1, "2026-11-23T18:42:10.062Z")));
}

}  // namespace
}  // namespace kamer::server::audit
