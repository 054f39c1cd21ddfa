#pragma once
// Building blocks shared by many messages.
#include <boost/describe.hpp>
#include <optional>
#include <string_view>

#include "kamer/protocol/codec.hpp"
#include "kamer/protocol/fields.hpp"
#include "kamer/protocol/vocabulary.hpp"

namespace kamer::protocol {

// Who a member organisation is, as other members see it.
struct OrganisationRef {
    Oin oin;
    Name name;
    Sector sector;
};
BOOST_DESCRIBE_STRUCT(OrganisationRef, (), (oin, name, sector))

enum class PersonRole { parent, child, partner, ex_partner, sibling, relative, other };
template <>
struct EnumNames<PersonRole> {
    static constexpr std::array<std::string_view, 7> names{"parent",  "child",    "partner", "ex-partner",
                                                           "sibling", "relative", "other"};
};

// Real identifiers of a person concerned: only where the table needs them (see the agreement).
struct PersonIdentifiers {
    std::optional<Token> bsn;
    std::optional<Name> name;
    std::optional<Date> birth_date;
};
BOOST_DESCRIBE_STRUCT(PersonIdentifiers, (), (bsn, name, birth_date))

// A person concerned (betrokkene), known in the room by a reference and a pseudonym.
struct Person {
    Token ref;
    PersonRole role = PersonRole::other;
    Name pseudonym;
};
BOOST_DESCRIBE_STRUCT(Person, (), (ref, role, pseudonym))

// Who an item is for: "all" (every member the agreement allows) or named member organisations.
struct Audience {
    bool all = true;
    List<Oin, 50> organisations;

    static Audience from_json(const boost::json::value& v, Decoder& d) {
        Audience a;
        if (v.is_string()) {
            if (v.get_string() != "all") d.fail(ErrorCode::invalid_value, "must be \"all\" or a list of OINs");
            return a;
        }
        if (!v.is_array()) d.fail(ErrorCode::wrong_type, "must be \"all\" or a list of OINs");
        a.all = false;
        d.read(v, a.organisations);
        if (a.organisations.empty()) d.fail(ErrorCode::invalid_value, "must name at least one organisation");
        return a;
    }
    boost::json::value to_json() const {
        if (all) return "all";
        return encode_value(organisations);
    }
};

// A signal: a short notice, visible to a wider audience than the item it belongs to, that the
// author holds relevant information ("police holds justice information about the ex-partner").
struct Signal {
    Name text;
    std::optional<Audience> audience;  // default: all members
};
BOOST_DESCRIBE_STRUCT(Signal, (), (text, audience))

struct Attachment {
    Name name;
    std::optional<Token> media_type;
    Text text;
};
BOOST_DESCRIBE_STRUCT(Attachment, (), (name, media_type, text))

// Paging of listings: `after` is the `next` of the previous page.
struct Page {
    std::optional<Cursor> after;
    std::optional<Int<1, 500>> limit;
};
BOOST_DESCRIBE_STRUCT(Page, (), (after, limit))

// The generic reply to a change: the room and, when it produced an item, the item.
struct Ok {
    static constexpr std::string_view type = "ok";
    std::optional<Uuid> room;
    std::optional<Uuid> item;
    std::optional<Int<0, INT64_MAX>> version;
    std::optional<Cursor> cursor;  // position of the change in the room, for resuming
};
BOOST_DESCRIBE_STRUCT(Ok, (), (room, item, version, cursor))

}  // namespace kamer::protocol
