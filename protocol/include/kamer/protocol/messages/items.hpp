#pragma once
// Case information: contributions, decisions, the explanatory analysis, the safety plan,
// corrections and redactions, signals and access requests, escalation and advice.
// Every item has a category and an audience; the server decides who receives it.
#include <boost/describe.hpp>
#include <optional>
#include <string_view>

#include "kamer/protocol/messages/common.hpp"
#include "kamer/protocol/messages/entries.hpp"

namespace kamer::protocol {

struct ContributionPost {
    static constexpr std::string_view type = "contribution.post";
    using reply = Ok;
    Uuid room;
    std::optional<Uuid> meeting;
    std::optional<Uuid> agenda_item;
    Text text;
    Category category = Category::general;
    Audience audience;
    std::optional<List<Token, 50>> persons;
    std::optional<List<Attachment, 5>> attachments;
    std::optional<Signal> signal;
};
BOOST_DESCRIBE_STRUCT(ContributionPost, (), (room, meeting, agenda_item, text, category, audience, persons,
                                             attachments, signal))

struct DecisionRecord {
    static constexpr std::string_view type = "decision.record";
    using reply = Ok;
    Uuid room;
    std::optional<Uuid> meeting;
    Text text;
    Oin owner;
    Date due;
    Category category = Category::general;
    Audience audience;
    std::optional<List<Token, 50>> persons;
    std::optional<Signal> signal;
};
BOOST_DESCRIBE_STRUCT(DecisionRecord, (), (room, meeting, text, owner, due, category, audience, persons, signal))

struct DecisionComplete {
    static constexpr std::string_view type = "decision.complete";
    using reply = Ok;
    Uuid room;
    Uuid decision;
    std::optional<Text> note;
};
BOOST_DESCRIBE_STRUCT(DecisionComplete, (), (room, decision, note))

// The explanatory analysis is the one shared picture of the case: every version goes to every
// member (category general, audience all). `base_version` must be the latest version:
// members edit in turn.
struct AnalysisEdit {
    static constexpr std::string_view type = "analysis.edit";
    using reply = Ok;
    Uuid room;
    Int<0, INT64_MAX> base_version;
    Text text;
    std::optional<List<Token, 50>> persons;
};
BOOST_DESCRIBE_STRUCT(AnalysisEdit, (), (room, base_version, text, persons))

struct PlanAgreementAdd {
    static constexpr std::string_view type = "plan.agreement-add";
    using reply = Ok;
    Uuid room;
    Text text;
    Oin owner;
    List<Date, 20> checkpoints;
    Category category = Category::general;
    Audience audience;
    std::optional<List<Token, 50>> persons;
};
BOOST_DESCRIBE_STRUCT(PlanAgreementAdd, (), (room, text, owner, checkpoints, category, audience, persons))

struct CheckpointReport {
    static constexpr std::string_view type = "plan.checkpoint-report";
    using reply = Ok;
    Uuid room;
    Uuid agreement;
    Date checkpoint;
    bool held = false;
    std::optional<Text> note;
};
BOOST_DESCRIBE_STRUCT(CheckpointReport, (), (room, agreement, checkpoint, held, note))

enum class CheckpointStatus { pending, due, held, failed };
template <>
struct EnumNames<CheckpointStatus> {
    static constexpr std::array<std::string_view, 4> names{"pending", "due", "held", "failed"};
};

// on-track: every checkpoint so far held; attention: a checkpoint is due and not reported;
// broken: a checkpoint failed.
enum class AgreementStatus { on_track, attention, broken };
template <>
struct EnumNames<AgreementStatus> {
    static constexpr std::array<std::string_view, 3> names{"on-track", "attention", "broken"};
};

struct CheckpointState {
    Date date;
    CheckpointStatus status = CheckpointStatus::pending;
    std::optional<Text> note;
};
BOOST_DESCRIBE_STRUCT(CheckpointState, (), (date, status, note))

struct PlanAgreementState {
    Uuid agreement;
    Text text;
    OrganisationRef owner;
    Category category = Category::general;
    AgreementStatus status = AgreementStatus::on_track;
    List<CheckpointState, 20> checkpoints;
};
BOOST_DESCRIBE_STRUCT(PlanAgreementState, (), (agreement, text, owner, category, status, checkpoints))

struct Plan {
    static constexpr std::string_view type = "plan";
    Uuid room;
    List<PlanAgreementState, 200> agreements;
    Int<0, 1000000> on_track;
    Int<0, 1000000> attention;
    Int<0, 1000000> broken;
    std::optional<Date> next_checkpoint;
};
BOOST_DESCRIBE_STRUCT(Plan, (), (room, agreements, on_track, attention, broken, next_checkpoint))

// The safety plan at a glance, as far as this organisation may see it.
struct PlanGet {
    static constexpr std::string_view type = "plan.get";
    using reply = Plan;
    Uuid room;
};
BOOST_DESCRIBE_STRUCT(PlanGet, (), (room))

// A new version of an item's text, by its author; recipients are told.
struct ItemCorrect {
    static constexpr std::string_view type = "item.correct";
    using reply = Ok;
    Uuid room;
    Uuid item;
    Text text;
    std::optional<Text> note;
};
BOOST_DESCRIBE_STRUCT(ItemCorrect, (), (room, item, text, note))

// Removes an item's content, by its author; the record of who received it stays.
struct ItemRedact {
    static constexpr std::string_view type = "item.redact";
    using reply = Ok;
    Uuid room;
    Uuid item;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(ItemRedact, (), (room, item, reason))

// Asks the owner of an item this organisation knows of through a signal for access.
struct AccessRequest {
    static constexpr std::string_view type = "access.request";
    using reply = Ok;  // item: the request id
    Uuid room;
    Uuid item;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(AccessRequest, (), (room, item, reason))

// The owning organisation grants or refuses, with the legal basis (grondslag) and a reason.
struct AccessDecide {
    static constexpr std::string_view type = "access.decide";
    using reply = Ok;
    Uuid room;
    Uuid request;
    bool grant = false;
    Name basis;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(AccessDecide, (), (room, request, grant, basis, reason))

// The owning organisation withdraws an earlier grant: from now on the requester sees the
// signal again, in live delivery and in history alike.
struct AccessWithdraw {
    static constexpr std::string_view type = "access.withdraw";
    using reply = Ok;
    Uuid room;
    Uuid request;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(AccessWithdraw, (), (room, request, reason))

// Escalation (opschalen, lokale-kamer -> mda++) and de-escalation (afschalen, mda++ ->
// lokale-kamer): opens a linked room chaired by `chair`, hands over the chosen items and every
// open decision and safety-plan agreement. Handed-over items reach only those the receiving
// room's agreement allows.
struct RoomEscalate {
    static constexpr std::string_view type = "room.escalate";
    using reply = Ok;  // room: the new room
    Uuid room;
    Oin chair;
    List<Uuid, 200> items;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(RoomEscalate, (), (room, chair, items, reason))

struct RoomDeescalate {
    static constexpr std::string_view type = "room.deescalate";
    using reply = Ok;
    Uuid room;
    Oin chair;
    List<Uuid, 200> items;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(RoomDeescalate, (), (room, chair, items, reason))

// A Veilig Thuis advice consultation (adviesvraag): opens a vt-advies room with the asking
// organisation as chair and the Veilig Thuis organisation as adviser. When `anonymous`, no
// identifiers may be recorded until the consultation becomes a report.
struct AdviceOpen {
    static constexpr std::string_view type = "advice.open";
    using reply = Ok;  // room, item: the question
    Oin adviser;
    Name case_ref;
    Text question;
    Category category = Category::general;
    bool anonymous = true;
    List<Person, 20> persons;
};
BOOST_DESCRIBE_STRUCT(AdviceOpen, (), (adviser, case_ref, question, category, anonymous, persons))

struct AdviceAnswer {
    static constexpr std::string_view type = "advice.answer";
    using reply = Ok;
    Uuid room;
    Text text;
    Category category = Category::general;
};
BOOST_DESCRIBE_STRUCT(AdviceAnswer, (), (room, text, category))

struct IdentifiedPerson {
    Token ref;
    PersonIdentifiers identifiers;
};
BOOST_DESCRIBE_STRUCT(IdentifiedPerson, (), (ref, identifiers))

// Turns the consultation into a report (melding): the family's identifiers are added now.
struct AdviceReport {
    static constexpr std::string_view type = "advice.report";
    using reply = Ok;
    Uuid room;
    Text reason;
    List<IdentifiedPerson, 20> persons;
};
BOOST_DESCRIBE_STRUCT(AdviceReport, (), (room, reason, persons))

}  // namespace kamer::protocol
