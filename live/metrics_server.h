// /metrics over HTTP (civetweb) in Prometheus text format: the live session's figures
// (live/live_metrics.h), served from civetweb's own threads, which only read them.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "live/live_metrics.h"

struct mg_context;
struct mg_connection;

namespace tape {

class MetricsServer {
 public:
  // Listens on host:port (Status::io naming them when it cannot). `metrics` must outlive it.
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& host, int64_t port,
                                                      const LiveMetrics& metrics);
  // Stops civetweb within milliseconds: its listening thread polls with a 2 s timeout and looks
  // at the stop flag only between polls, so the server is connected to (and the connection
  // closed) until mg_stop returns.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

 private:
  MetricsServer(const LiveMetrics& metrics, std::string host, int64_t port)
      : metrics_(metrics), host_(std::move(host)), port_(port) {}
  static int handle(::mg_connection* conn, void* self);

  const LiveMetrics& metrics_;
  std::string host_;
  int64_t port_;
  mg_context* ctx_ = nullptr;
};

}  // namespace tape
