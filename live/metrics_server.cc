#include "live/metrics_server.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <civetweb.h>

namespace tape {

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& host, int64_t port,
                                                            const LiveMetrics& metrics) {
  std::unique_ptr<MetricsServer> s(new MetricsServer(metrics, host, port));
  const std::string listen = host + ":" + std::to_string(port);
  const char* options[] = {"listening_ports", listen.c_str(), "num_threads", "2", nullptr};
  mg_callbacks callbacks{};
  s->ctx_ = mg_start(&callbacks, nullptr, options);
  if (s->ctx_ == nullptr) {
    return Status::io("cannot serve /metrics on " + listen + " (is the port in use?)");
  }
  mg_set_request_handler(s->ctx_, "/metrics", &MetricsServer::handle, s.get());
  return s;
}

namespace {

// Connects to host:port and hangs up at once (nothing is sent).
void knock(const std::string& host, int64_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    const bool connected = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    ::close(fd);
    if (connected) break;
  }
  freeaddrinfo(found);
}

}  // namespace

MetricsServer::~MetricsServer() {
  if (ctx_ == nullptr) return;
  std::atomic<bool> stopped{false};
  std::thread waker([&] {
    while (!stopped.load()) {
      knock(host_, port_);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  mg_stop(ctx_);
  stopped.store(true);
  waker.join();
}

int MetricsServer::handle(::mg_connection* conn, void* self) {
  const std::string body = static_cast<MetricsServer*>(self)->metrics_.prometheus();
  mg_printf(conn,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
            body.size());
  mg_write(conn, body.data(), body.size());
  return 200;
}

}  // namespace tape
