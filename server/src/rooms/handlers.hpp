#pragma once
// Binding the room protocol to the server: which request goes to the writer (changes), to
// the hub (subscriptions) or to a reader (queries).
#include <functional>
#include <memory>

#include "audit/disclosure_log.hpp"
#include "delivery/cursor.hpp"
#include "delivery/hub.hpp"
#include "identity/partner_registry.hpp"
#include "net/router.hpp"
#include "policy/agreement.hpp"
#include "rooms/writer.hpp"
#include "store/reader_pool.hpp"

namespace kamer::server::rooms {

struct RoomServices {
    Writer& writer;
    delivery::Hub& hub;
    store::ReaderPool& readers;
    audit::DisclosureLog& log;
    const identity::PartnerRegistry& registry;
    std::function<std::shared_ptr<const policy::Agreement>()> agreement;
    const delivery::CursorCodec& cursors;
};

void register_writes(net::Router& router, RoomServices& services);   // handlers.cpp
void register_queries(net::Router& router, RoomServices& services);  // queries.cpp
void register_lists(net::Router& router, RoomServices& services);    // queries_lists.cpp
void register_accountability(net::Router& router, RoomServices& services);  // audit/handlers.cpp

}  // namespace kamer::server::rooms
