#include "app/database_setup.hpp"

#include "obs/log.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

namespace kamer::server {

DatabaseSetup::DatabaseSetup(const Config::Database& config) : config_(config) {}

DatabaseSetup::~DatabaseSetup() { close(); }

void DatabaseSetup::open() {
    if (config_.url.empty()) {
        embedded_ = std::make_unique<store::EmbeddedPostgres>(config_.data_dir, config_.pg_bin_dir);
        embedded_->start();
        runtime_url_ = embedded_->runtime_url();
        owner_url_ = embedded_->owner_url();
    } else {
        runtime_url_ = config_.url;
        owner_url_ = config_.migrate_url.empty() ? config_.url : config_.migrate_url;
    }
    auto runtime = store::connect(runtime_url_);
    auto owner = owner_url_ == runtime_url_ ? nullptr : store::connect(owner_url_);
    auto role = store::current_role(*runtime);
    int applied = store::migrate(owner ? *owner : *runtime, owner ? role : std::string());
    auto logger = log::get("store");
    log::info(*logger, "database.ready",
              {{"embedded", embedded()}, {"schema_version", std::int64_t(store::latest_migration_version())},
               {"migrations_applied", std::int64_t(applied)}, {"separate_owner", owner != nullptr}});
}

void DatabaseSetup::close() {
    if (embedded_) embedded_->stop();
    embedded_.reset();
}

}  // namespace kamer::server
