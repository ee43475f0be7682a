#include "live/metrics_server.h"

#include <civetweb.h>

namespace tape {

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& host, int64_t port,
                                                            const LiveMetrics& metrics) {
  std::unique_ptr<MetricsServer> s(new MetricsServer(metrics));
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

MetricsServer::~MetricsServer() {
  if (ctx_ != nullptr) mg_stop(ctx_);
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
