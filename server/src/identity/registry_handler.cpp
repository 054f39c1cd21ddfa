// registry.list: the partner registry as a partner system sees it, so that a chair can find
// the OIN of an organisation to invite. Answered from the in-memory snapshot.
#include "identity/registry_handler.hpp"

#include "kamer/protocol/messages/queries.hpp"
#include "net/session.hpp"

namespace kamer::server::identity {

void register_registry_list(net::Router& router, const PartnerRegistry& registry) {
    router.add<protocol::RegistryList>([&registry](const net::SessionPtr& session, protocol::RegistryList,
                                                   const std::optional<protocol::Actor>&, net::Responder responder) {
        bool operator_role = session->peer().organisation.operator_role;
        protocol::PartnerList out;
        for (const auto& o : registry.all())
            if (operator_role || o.status == protocol::OrganisationStatus::active)
                out.organisations.push_back({o.oin, o.name, o.sector, o.status});
        responder.ok(out);
    });
}

}  // namespace kamer::server::identity
