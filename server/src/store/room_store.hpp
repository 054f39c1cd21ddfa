#pragma once
// SQL for rooms: the log, the projections, idempotency and the shared cursor key. Batches
// are written as one JSON document per table (json_populate_recordset), added to the batch's
// WriteScript: one round trip for all tables, whatever the batch size.
#include <pqxx/pqxx>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rooms/entry.hpp"
#include "rooms/room.hpp"
#include "store/batch_transaction.hpp"
#include "store/write_script.hpp"

namespace kamer::server::store {

// The key of the cursor cipher; created by the first node that asks.
std::array<unsigned char, 16> cursor_key(pqxx::connection& connection);

// Prepares the statements of start_batch and of the script functions below on a connection
// that will write batches, and makes that connection prefer an index to a scan wherever one
// serves.
void prepare_writes(pqxx::connection& connection);

struct RoomHead {
    std::int64_t id = 0;
    std::string public_id;
    std::int64_t head = 0;
};

// The heads of these rooms now; rooms that do not exist are left out.
std::vector<RoomHead> load_heads(pqxx::transaction_base& tx, const std::vector<std::int64_t>& rooms);

std::int64_t next_room_id(pqxx::transaction_base& tx);

// Columns read with array_to_json(...): int[] (null stays absent) and text[].
std::optional<std::vector<int>> parse_int_list(const pqxx::field& f);
std::vector<std::string> parse_text_list(const pqxx::field& f);

// The columns of an entry (of table `e`), for queries that read entries with other tables:
// they end their select list with these, and entry_of reads the entry from the row's last
// columns. Every reader so decides on the same, whole entry (signal and subject included).
extern const char* const entry_columns;
rooms::StoredEntry entry_of(const pqxx::row& row, std::int64_t room);

// Entries of a room with after < seq <= up_to, in order, at most `limit`.
std::vector<rooms::StoredEntry> load_entries(pqxx::transaction_base& tx, std::int64_t room, std::int64_t after,
                                             std::int64_t up_to, std::int64_t limit);

// Invitations and removals of these organisations stamped at or after `since`, at most `limit`,
// by room and in order: the entries that send notices.
std::map<std::int64_t, std::vector<rooms::StoredEntry>> load_notices(pqxx::transaction_base& tx,
                                                                     const std::vector<int>& organisations,
                                                                     std::chrono::system_clock::time_point since,
                                                                     std::int64_t limit);

void insert_entries(WriteScript& script, const std::vector<rooms::StoredEntry>& entries);
void save_rooms(WriteScript& script, const std::vector<const rooms::Room*>& rooms);
void save_members(WriteScript& script, const std::vector<const rooms::Room*>& rooms);
void save_items(WriteScript& script, const std::vector<std::pair<const rooms::Room*, const rooms::Item*>>& items);
void save_grants(WriteScript& script, const std::vector<std::pair<const rooms::Room*, const rooms::Item*>>& items);
// Removes the content of every stored entry of an item (its redaction entry keeps its reason).
void redact_entries(pqxx::transaction_base& tx, std::int64_t room, const std::string& item);
// Tells every node which rooms have new entries: payload "<room>:<first>:<head>:<node>".
struct RoomRange {
    std::int64_t room, first, head;
};
void notify_rooms(WriteScript& script, const std::vector<RoomRange>& ranges, const std::string& node);

struct StoredReply {
    std::string request_hash;  // hex
    std::string reply;
};
// Begins a write batch's transaction with what the batch reads, in one round trip: the rooms it
// changes, locked (in id order, so that nodes cannot deadlock on them) with their heads, and
// the replies already stored for its idempotency keys.
struct BatchStart {
    std::vector<RoomHead> rooms;
    std::map<std::pair<int, std::string>, StoredReply> replies;
};
BatchStart start_batch(BatchTransaction& tx, const std::vector<std::pair<int, std::string>>& keys,
                       const std::vector<std::string>& public_ids);
// The statement that replaces start_batch for a batch run on rooms the writer holds in memory:
// it locks the rooms as start_batch does and fails the transaction with expect_heads_failed
// when one is not at the head given (another node wrote it). Empty for no rooms.
inline constexpr const char* expect_heads_failed = "KM001";
std::string expect_heads(pqxx::transaction_base& tx, const std::vector<RoomHead>& rooms);
struct NewReply {
    int org;
    std::string client_id;
    std::string request_hash;  // hex
    std::string reply;
};
void insert_replies(WriteScript& script, const std::vector<NewReply>& replies);

// Removes the stored content of an entry's data (redaction and retention): texts emptied,
// attachments, identifiers and copied originals dropped.
void strip_content(boost::json::object& data);

}  // namespace kamer::server::store
