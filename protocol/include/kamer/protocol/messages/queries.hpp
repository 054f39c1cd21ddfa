#pragma once
// Queries across rooms and for accountability: open decisions, checkpoints due, search, the
// sharing agreement, data-subject reports, disclosure-log verification and retention.
#include <boost/describe.hpp>
#include <optional>
#include <string_view>

#include "kamer/protocol/messages/common.hpp"
#include "kamer/protocol/messages/entries.hpp"
#include "kamer/protocol/messages/items.hpp"

namespace kamer::protocol {

enum class DecisionStatus { open, overdue, done };
template <>
struct EnumNames<DecisionStatus> {
    static constexpr std::array<std::string_view, 3> names{"open", "overdue", "done"};
};

struct DecisionSummary {
    Uuid room;
    Name case_ref;
    Uuid decision;
    Text text;
    OrganisationRef owner;
    Date due;
    DecisionStatus status = DecisionStatus::open;  // overdue: past its due date and not done
    Category category = Category::general;
};
BOOST_DESCRIBE_STRUCT(DecisionSummary, (), (room, case_ref, decision, text, owner, due, status, category))

struct DecisionPage {
    static constexpr std::string_view type = "decisions";
    List<DecisionSummary, 500> decisions;
    std::optional<Cursor> next;
};
BOOST_DESCRIBE_STRUCT(DecisionPage, (), (decisions, next))

// Decisions in every room the organisation is a member of, that it may see. Default: not done
// (open and overdue); `owned` limits them to decisions this organisation owns.
struct DecisionList {
    static constexpr std::string_view type = "decisions.list";
    using reply = DecisionPage;
    std::optional<DecisionStatus> status;
    std::optional<bool> owned;
    std::optional<Page> page;
};
BOOST_DESCRIBE_STRUCT(DecisionList, (), (status, owned, page))

struct CheckpointSummary {
    Uuid room;
    Name case_ref;
    Uuid agreement;
    Text text;
    OrganisationRef owner;
    Date date;
    CheckpointStatus status = CheckpointStatus::pending;
};
BOOST_DESCRIBE_STRUCT(CheckpointSummary, (), (room, case_ref, agreement, text, owner, date, status))

struct CheckpointPage {
    static constexpr std::string_view type = "checkpoints";
    List<CheckpointSummary, 500> checkpoints;
    std::optional<Cursor> next;
};
BOOST_DESCRIBE_STRUCT(CheckpointPage, (), (checkpoints, next))

// Safety-plan checkpoints in a date range (default: this week, today and the six days after)
// that are not reported yet, in every room of the organisation, as far as it may see them.
struct CheckpointsDue {
    static constexpr std::string_view type = "checkpoints.due";
    using reply = CheckpointPage;
    std::optional<Date> from;
    std::optional<Date> to;
    std::optional<Page> page;
};
BOOST_DESCRIBE_STRUCT(CheckpointsDue, (), (from, to, page))

struct SearchHit {
    Uuid room;
    Event event;
};
BOOST_DESCRIBE_STRUCT(SearchHit, (), (room, event))

struct SearchResults {
    static constexpr std::string_view type = "search";
    List<SearchHit, 200> hits;
};
BOOST_DESCRIBE_STRUCT(SearchResults, (), (hits))

// Text search in the items of the organisation's rooms (or one room) that it may see.
struct Search {
    static constexpr std::string_view type = "search";
    using reply = SearchResults;
    Name query;
    std::optional<Uuid> room;
    std::optional<Int<1, 200>> limit;
};
BOOST_DESCRIBE_STRUCT(Search, (), (query, room, limit))

struct AgreementDocument {
    static constexpr std::string_view type = "agreement";
    Name version;
    boost::json::object document;
};
BOOST_DESCRIBE_STRUCT(AgreementDocument, (), (version, document))

// The sharing agreement (convenant) the server applies, as loaded.
struct AgreementGet {
    static constexpr std::string_view type = "agreement.get";
    using reply = AgreementDocument;
};
BOOST_DESCRIBE_STRUCT(AgreementGet, (), ())

struct Disclosure {
    Oin organisation;
    std::optional<Token> actor;
    Timestamp at;
    Token how;
    Token view;  // full, signal, withheld
    Name basis;
};
BOOST_DESCRIBE_STRUCT(Disclosure, (), (organisation, actor, at, how, view, basis))

struct SubjectItem {
    Uuid room;
    Name case_ref;
    std::optional<Uuid> item;
    Token kind;
    std::optional<Category> category;
    Timestamp at;
    OrganisationRef author;
    List<Disclosure, 10000> disclosures;
};
BOOST_DESCRIBE_STRUCT(SubjectItem, (), (room, case_ref, item, kind, category, at, author, disclosures))

struct SubjectReportResult {
    static constexpr std::string_view type = "subject-report";
    Timestamp produced_at;
    List<SubjectItem, 10000> items;
};
BOOST_DESCRIBE_STRUCT(SubjectReportResult, (), (produced_at, items))

// AVG art. 15, for the privacy officer (actor function "privacy-officer") of a member
// organisation: what was recorded about a person concerned, and who received it, when and on
// which basis. The person is named by BSN (every room where it is identified) or by room and
// reference. Only items this organisation may see are reported.
struct SubjectReport {
    static constexpr std::string_view type = "report.subject";
    using reply = SubjectReportResult;
    std::optional<Token> bsn;
    std::optional<Uuid> room;
    std::optional<Token> person;
};
BOOST_DESCRIBE_STRUCT(SubjectReport, (), (bsn, room, person))

struct AuditResult {
    static constexpr std::string_view type = "audit";
    Int<0, INT64_MAX> rows;
    Int<0, INT64_MAX> records;
    bool intact = true;
    std::optional<Int<0, INT64_MAX>> first_broken;
    std::optional<Text> problem;
    Token head_hash;
};
BOOST_DESCRIBE_STRUCT(AuditResult, (), (rows, records, intact, first_broken, problem, head_hash))

// Recomputes the disclosure log's hash chain (privacy officers and operators).
struct AuditVerify {
    static constexpr std::string_view type = "audit.verify";
    using reply = AuditResult;
};
BOOST_DESCRIBE_STRUCT(AuditVerify, (), ())

struct ExpiredRoom {
    Uuid room;
    RoomKind kind = RoomKind::lokale_kamer;
    Name case_ref;
    Timestamp closed_at;
    Date expired_on;
};
BOOST_DESCRIBE_STRUCT(ExpiredRoom, (), (room, kind, case_ref, closed_at, expired_on))

struct RetentionResult {
    static constexpr std::string_view type = "retention";
    bool dry_run = true;
    List<ExpiredRoom, 10000> rooms;
};
BOOST_DESCRIBE_STRUCT(RetentionResult, (), (dry_run, rooms))

// Removes the content of closed rooms past their retention term (operators). With dry_run,
// only lists them.
struct RetentionRun {
    static constexpr std::string_view type = "retention.run";
    using reply = RetentionResult;
    bool dry_run = true;
};
BOOST_DESCRIBE_STRUCT(RetentionRun, (), (dry_run))

struct Partner {
    Oin oin;
    Name name;
    Sector sector;
    OrganisationStatus status = OrganisationStatus::active;
};
BOOST_DESCRIBE_STRUCT(Partner, (), (oin, name, sector, status))

struct PartnerList {
    static constexpr std::string_view type = "registry";
    List<Partner, 10000> organisations;
};
BOOST_DESCRIBE_STRUCT(PartnerList, (), (organisations))

// The partner registry, by name: the organisations a chair can invite (their OINs are public
// in the OIN register). Operator organisations also see suspended ones.
struct RegistryList {
    static constexpr std::string_view type = "registry.list";
    using reply = PartnerList;
};
BOOST_DESCRIBE_STRUCT(RegistryList, (), ())

}  // namespace kamer::protocol
