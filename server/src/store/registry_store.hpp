#pragma once
// SQL for the partner registry.
#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "identity/partner_registry.hpp"

namespace kamer::server::store {

std::vector<identity::Organisation> load_organisations(pqxx::connection& connection);

// Adds an organisation, or updates the name and sector of a registered OIN (status is kept).
// Returns true when it was new.
bool upsert_organisation(pqxx::connection& connection, const std::string& oin, const std::string& name,
                         protocol::Sector sector);

void set_operator(pqxx::connection& connection, const std::string& oin, bool on);

// Returns false when the OIN is not registered.
bool set_organisation_status(pqxx::connection& connection, const std::string& oin,
                             protocol::OrganisationStatus status);

}  // namespace kamer::server::store
