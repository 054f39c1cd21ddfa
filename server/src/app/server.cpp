#include "app/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <fstream>
#include <optional>
#include <functional>
#include <mutex>
#include <thread>

#include "app/database_setup.hpp"
#include "audit/disclosure_log.hpp"
#include "delivery/cursor.hpp"
#include "delivery/hub.hpp"
#include "identity/partner_registry.hpp"
#include "identity/registry_handler.hpp"
#include "net/connection_tracker.hpp"
#include "net/listener.hpp"
#include "net/router.hpp"
#include "obs/log.hpp"
#include "ops/ops_endpoint.hpp"
#include "ops/readiness_probe.hpp"
#include "policy/agreement.hpp"
#include "rooms/handlers.hpp"
#include "rooms/writer.hpp"
#include "store/database.hpp"
#include "store/notification_listener.hpp"
#include "store/reader_pool.hpp"
#include "store/registry_store.hpp"
#include "store/retention.hpp"
#include "store/room_store.hpp"
#include "util/named_thread.hpp"

namespace kamer::server {
namespace asio = boost::asio;

namespace {

// "<room>:<first>:<head>:<node>" from a room notification.
struct RoomNotice {
    std::int64_t room = 0, first = 0, head = 0;
    std::string node;
};
std::optional<RoomNotice> parse_room_notice(const std::string& payload) {
    RoomNotice n;
    auto a = payload.find(':'), b = payload.find(':', a + 1), c = payload.find(':', b + 1);
    if (c == std::string::npos) return std::nullopt;
    try {
        n.room = std::stoll(payload.substr(0, a));
        n.first = std::stoll(payload.substr(a + 1, b - a - 1));
        n.head = std::stoll(payload.substr(b + 1, c - b - 1));
    } catch (const std::exception&) {
        return std::nullopt;
    }
    n.node = payload.substr(c + 1);
    return n;
}

}  // namespace

int run_server(const Config& config) {
    // TlsStream lets OpenSSL write the socket with write(2), which raises SIGPIPE when the peer
    // is already gone; that must end the one connection (EPIPE), not kamerd.
    std::signal(SIGPIPE, SIG_IGN);
    auto logger = log::get("server");
    DatabaseSetup database(config.database);
    database.open();
    const std::string& url = database.runtime_url();
    const std::string node = config.server.node_name + "/" + std::to_string(::getpid());

    std::shared_ptr<const policy::Agreement> agreement = policy::Agreement::load(config.policy.agreement);
    std::mutex agreement_mutex;
    auto current_agreement = [&] {
        std::lock_guard lock(agreement_mutex);
        return agreement;
    };
    log::info(*logger, "agreement.loaded", {{"version", agreement->version()}});
    auto reload_agreement = [&] {
        // A broken file keeps the agreement in force; the operator reads why in the log.
        try {
            auto fresh = policy::Agreement::load(config.policy.agreement);
            std::lock_guard lock(agreement_mutex);
            agreement = fresh;
            log::info(*logger, "agreement.loaded", {{"version", fresh->version()}});
        } catch (const std::exception& e) {
            log::error(*logger, "agreement.reload_failed", {{"reason", std::string(e.what())}});
        }
    };

    identity::PartnerRegistry registry;
    // Loaded before the listener opens, so that the first partner is not taken for unknown.
    registry.replace(store::load_organisations(*store::connect(url)));
    delivery::CursorCodec cursors(store::cursor_key(*store::connect(url)));

    unsigned threads = config.server.threads ? config.server.threads : std::max(1u, std::thread::hardware_concurrency());
    asio::io_context io(static_cast<int>(threads));
    net::ConnectionTracker tracker(config.limits);

    audit::DisclosureLog disclosures(url, {});
    store::ReaderPool readers(url, config.database.pool_size);
    delivery::Hub hub({current_agreement, registry, cursors, disclosures, readers, tracker, node});
    rooms::Writer writer(url, registry, current_agreement, cursors,
                         [&](std::vector<rooms::Published> batches) { hub.publish(std::move(batches)); },
                         {.batch_wait = std::chrono::microseconds(config.database.batch_wait_microseconds),
                          .node = node,
                          .delivery_behind = [&hub] { return hub.behind(); }});
    disclosures.start();
    readers.start();
    hub.start();
    writer.start();

    store::NotificationListener watch(
        url, {"kamer_registry", "kamer_room"},
        [&](pqxx::connection& c, std::optional<std::chrono::system_clock::time_point> heard_until) {
            registry.replace(store::load_organisations(c));
            hub.recheck();
            if (heard_until) hub.recover_notices(*heard_until);
        },
        [&](pqxx::connection& c, const std::vector<store::NotificationListener::Notification>& batch) {
            bool registry_changed = false;
            for (const auto& n : batch) {
                if (n.channel == "kamer_registry") {
                    registry_changed = true;
                } else if (auto r = parse_room_notice(n.payload); r && r->node != node) {
                    hub.remote(r->room, r->first, r->head);
                }
            }
            // Reload the whole registry on any change: it is small, and a reload cannot miss one.
            if (registry_changed) registry.replace(store::load_organisations(c));
        });
    watch.start();

    std::mutex context_mutex;
    net::TlsContext context = net::make_server_context(config.tls);
    auto current_context = [&] {
        std::lock_guard lock(context_mutex);
        return context;
    };

    net::Router router;
    rooms::RoomServices room_services{writer, hub, readers, disclosures, registry, current_agreement, cursors};
    rooms::register_writes(router, room_services);
    rooms::register_queries(router, room_services);
    rooms::register_lists(router, room_services);
    rooms::register_accountability(router, room_services);
    identity::register_registry_list(router, registry);

    net::SessionServices services{config.limits, registry, router, tracker,
                                  "kamer/" KAMER_VERSION " (" + config.server.node_name + ")",
                                  [&hub](std::uint64_t session) { hub.session_closed(session); }};
    net::Listener listener(io, config.server.listen, services, current_context);
    listener.start();
    if (!config.server.port_file.empty()) std::ofstream(config.server.port_file) << listener.port() << "\n";
    log::info(*logger, "server.listening",
              {{"host", config.server.listen.host}, {"port", std::int64_t(listener.port())},
               {"threads", std::int64_t(threads)}, {"node", node}});

    ops::ReadinessProbe readiness(io, readers);
    readiness.start();
    std::optional<ops::OpsEndpoint> ops_endpoint;
    if (config.ops.enabled) {
        ops_endpoint.emplace(io, config.ops.listen, [&readiness] { return readiness.current(); });
        ops_endpoint->start();
        if (!config.ops.port_file.empty()) std::ofstream(config.ops.port_file) << ops_endpoint->port() << "\n";
        log::info(*logger, "ops.listening", {{"host", config.ops.listen.host}, {"port", std::int64_t(ops_endpoint->port())}});
    }

    // Retention: purge closed rooms past their term, now and then every interval.
    asio::steady_timer retention(io);
    std::function<void()> schedule_retention = [&] {
        if (config.retention.interval_hours == 0) return;
        readers.post([&, agreement = current_agreement()](pqxx::connection* db) {
            if (!db) return;
            try {
                pqxx::work tx(*db);
                auto expired = store::expired_rooms(tx, *agreement);
                for (const auto& e : expired) store::purge_room(tx, e);
                tx.commit();
                if (!expired.empty()) log::info(*logger, "retention.purged", {{"rooms", std::uint64_t(expired.size())}});
            } catch (const std::exception& e) {
                log::warn(*logger, "retention.failed", {{"reason", store::error_reason(e)}});
            }
        });
        retention.expires_after(std::chrono::hours(config.retention.interval_hours));
        retention.async_wait([&](boost::system::error_code e) {
            if (!e) schedule_retention();
        });
    };
    schedule_retention();

    // New TLS material (server certificate, trust store, CRLs) for new handshakes; open sessions
    // stay, except those whose certificate the new material no longer accepts.
    auto reload_tls = [&] {
        try {
            auto fresh = net::make_server_context(config.tls);
            {
                std::lock_guard lock(context_mutex);
                context = fresh;
            }
            log::info(*logger, "tls.reloaded", {{"sessions", std::uint64_t(tracker.sessions().size())}});
            for (auto& session : tracker.sessions()) session->revalidate(fresh);
        } catch (const std::exception& e) {
            log::error(*logger, "tls.reload_failed", {{"reason", std::string(e.what())}});
        }
    };

    // SIGHUP reloads the TLS material and the sharing agreement; a changed agreement applies
    // from the next emission on, history included.
    asio::signal_set hangups(io, SIGHUP);
    std::function<void()> wait_for_hangup = [&] {
        hangups.async_wait([&](boost::system::error_code ec, int) {
            if (ec) return;
            reload_tls();
            reload_agreement();
            wait_for_hangup();
        });
    };
    wait_for_hangup();

    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::steady_timer drain(io);
    auto deadline = std::chrono::steady_clock::time_point::max();
    std::function<void()> wait_for_sessions = [&] {
        if (tracker.connections() == 0 || std::chrono::steady_clock::now() > deadline) return io.stop();
        drain.expires_after(std::chrono::milliseconds(20));
        drain.async_wait([&](boost::system::error_code e) {
            if (!e) wait_for_sessions();
        });
    };
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec) return;
        log::info(*logger, "server.stopping", {{"signal", std::int64_t(signal)}});
        listener.stop();
        readiness.stop();
        retention.cancel();
        hangups.cancel();
        // Clients resume elsewhere (or here after a restart) from their last position.
        for (auto& session : tracker.sessions()) session->shut_down();
        deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        wait_for_sessions();
    });

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.push_back(named_thread("kamerd-net", [&] { io.run(); }));
    io.run();
    for (auto& t : pool) t.join();

    writer.stop();
    hub.stop();
    disclosures.stop();
    readers.stop();
    watch.stop();
    database.close();
    log::info(*logger, "server.stopped");
    return 0;
}

}  // namespace kamer::server
