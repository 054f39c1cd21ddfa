#include "app/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "app/database_setup.hpp"
#include "identity/partner_registry.hpp"
#include "net/connection_tracker.hpp"
#include "net/listener.hpp"
#include "net/router.hpp"
#include "obs/log.hpp"
#include "store/database.hpp"
#include "store/notification_listener.hpp"
#include "store/registry_store.hpp"

namespace kamer::server {
namespace asio = boost::asio;

int run_server(const Config& config) {
    auto logger = log::get("server");
    DatabaseSetup database(config.database);
    database.open();

    identity::PartnerRegistry registry;
    // Loaded before the listener opens, so that the first partner is not taken for unknown.
    registry.replace(store::load_organisations(*store::connect(database.runtime_url())));
    store::NotificationListener registry_watch(
        database.runtime_url(), {"kamer_registry"},
        [&](pqxx::connection& c) { registry.replace(store::load_organisations(c)); },
        // Reload the whole registry on any change: it is small, and a reload cannot miss one.
        [&](pqxx::connection& c, const auto&) { registry.replace(store::load_organisations(c)); });
    registry_watch.start();

    std::mutex context_mutex;
    net::TlsContext context = net::make_server_context(config.tls);
    auto current_context = [&] {
        std::lock_guard lock(context_mutex);
        return context;
    };

    unsigned threads = config.server.threads ? config.server.threads : std::max(1u, std::thread::hardware_concurrency());
    asio::io_context io(static_cast<int>(threads));
    net::Router router;
    net::ConnectionTracker tracker(config.limits);
    net::SessionServices services{config.limits, registry, router, tracker,
                                  "kamer/" KAMER_VERSION " (" + config.server.node_name + ")"};
    net::Listener listener(io, config.server.listen, services, current_context);
    listener.start();
    if (!config.server.port_file.empty()) {
        std::ofstream(config.server.port_file) << listener.port() << "\n";
    }
    log::info(*logger, "server.listening",
              {{"host", config.server.listen.host}, {"port", std::int64_t(listener.port())},
               {"threads", std::int64_t(threads)}, {"node", config.server.node_name}});

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
        // Clients resume elsewhere (or here after a restart) from their last position.
        for (auto& session : tracker.sessions()) session->close(protocol::CloseCode::going_away, true);
        deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        wait_for_sessions();
    });

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();

    registry_watch.stop();
    database.close();
    log::info(*logger, "server.stopped");
    return 0;
}

}  // namespace kamer::server
