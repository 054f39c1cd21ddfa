#pragma once
// What every read handler shares: running on a reader thread, naming the recipient for the
// disclosure log, and answering only once the log rows are committed.
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "audit/disclosure_log.hpp"
#include "delivery/gate.hpp"
#include "net/responder.hpp"
#include "net/session.hpp"
#include "rooms/handlers.hpp"

namespace kamer::server::rooms {

// Runs `job` on a reader in a read-only transaction; database trouble becomes `unavailable`,
// anything else `internal`.
void read(RoomServices& s, std::shared_ptr<net::Responder> reply,
          std::function<void(pqxx::read_transaction&)> job);

delivery::Recipient recipient_of(const net::Session& session, const std::optional<protocol::Actor>& actor);

// Logs the batches, then answers with `encoded` (or `unavailable` if they cannot be logged).
// Batches without records are skipped; with none left the answer goes at once.
void reply_logged(RoomServices& s, std::shared_ptr<net::Responder> reply, std::vector<audit::Batch> batches,
                  std::string encoded);

// An encoded reply of `type` whose body is already JSON text.
std::string encode_reply(const char* type, const std::optional<std::string>& re, const std::string& body);

// The text of an item as it stands (after corrections).
std::string current_text(pqxx::transaction_base& tx, std::int64_t room, const std::string& item,
                         const std::string& original_body);

std::string not_member(const std::string& room);

}  // namespace kamer::server::rooms
