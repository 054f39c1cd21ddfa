#pragma once
// The registry.list request (see registry_handler.cpp).
#include "identity/partner_registry.hpp"
#include "net/router.hpp"

namespace kamer::server::identity {

void register_registry_list(net::Router& router, const PartnerRegistry& registry);

}  // namespace kamer::server::identity
