// The ceiling of `tape live`'s ingest on this box: a bare libnats JetStream pull consumer that
// fetches and acknowledges a stream, with none of tape's work (no decoding, no core, no journal).
// What it reaches is what the live source could reach at best with the same client library and
// server; bench/RESULTS.md (issue 11) compares the two.
//
//   nats-server -js -p PORT -sd DIR &
//   live_ceiling --url nats://127.0.0.1:PORT --publish 1000000          # fills the stream once
//   live_ceiling --url nats://127.0.0.1:PORT --messages 1000000 --batch 4096 [--ack all|each]
//                [--meta]
//
// --publish N sends N JSONL messages (half quotes, half trades, the shape of the ingest
// benchmark) to the stream "CEIL" (subject ceil.in.md) and waits for every publish ack.
// Otherwise a durable pull consumer (AckAll unless --ack each) is placed at the stream's start
// and fetched in batches of --batch until --messages have come; with --ack all the last message
// of each fetch is acknowledged (AckAll covers the earlier ones), with --ack each every message
// is. --meta also parses each message's JetStream metadata (its stream sequence), as the live
// source does. Prints one line: messages, wall seconds, messages/s, the process's CPU seconds.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <nats/nats.h>

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int die(const char* what, natsStatus s) {
  std::fprintf(stderr, "live_ceiling: %s: %s\n", what, natsStatus_GetText(s));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url = "nats://127.0.0.1:4222";
  long publish = 0;
  long messages = 1'000'000;
  int batch = 4096;
  bool ack_each = false;
  bool meta = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "live_ceiling: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--url") {
      url = value();
    } else if (a == "--publish") {
      publish = std::atol(value());
    } else if (a == "--messages") {
      messages = std::atol(value());
    } else if (a == "--batch") {
      batch = std::atoi(value());
    } else if (a == "--ack") {
      ack_each = std::strcmp(value(), "each") == 0;
    } else if (a == "--meta") {
      meta = true;
    } else {
      std::fprintf(stderr, "live_ceiling: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_ConnectTo(&nc, url.c_str());
  if (s != NATS_OK) return die("connect", s);
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.MaxPending = 65536;
  jo.PublishAsync.StallWait = 60000;  // ms: a loaded box may stall the server that long
  s = natsConnection_JetStream(&js, nc, &jo);
  if (s != NATS_OK) return die("jetstream", s);
  jsErrCode jerr = static_cast<jsErrCode>(0);

  if (publish > 0) {
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = "CEIL";
    const char* subjects[] = {"ceil.in.>"};
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    jsStreamInfo* si = nullptr;
    s = js_AddStream(&si, js, &cfg, nullptr, &jerr);
    if (s != NATS_OK) return die("add stream", s);
    jsStreamInfo_Destroy(si);
    char line[160];
    for (long i = 0; i < publish; ++i) {
      const int n =
          i % 2 == 0
              ? std::snprintf(line, sizeof line,
                              R"({"type":"quote","symbol":"ACME","bid":"10.%02ld","bid_qty":%ld,)"
                              R"("ask":"10.%02ld","ask_qty":7})",
                              i % 50, 1 + i % 9, 50 + i % 50)
              : std::snprintf(line, sizeof line,
                              R"({"type":"trade","symbol":"ACME","price":"10.%02ld","qty":%ld})",
                              i % 100, 1 + i % 5);
      s = js_PublishAsync(js, "ceil.in.md", line, n, nullptr);
      if (s != NATS_OK) return die("publish", s);
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 120'000;
    s = js_PublishAsyncComplete(js, &po);
    if (s != NATS_OK) return die("publish complete", s);
    std::printf("published %ld\n", publish);
  } else {
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = "ceil";
    cc.DeliverPolicy = js_DeliverAll;
    cc.AckPolicy = ack_each ? js_AckExplicit : js_AckAll;
    cc.MaxAckPending = 1'000'000;
    js_DeleteConsumer(js, "CEIL", "ceil", nullptr, &jerr);
    jsConsumerInfo* ci = nullptr;
    s = js_AddConsumer(&ci, js, "CEIL", &cc, nullptr, &jerr);
    if (s != NATS_OK) return die("add consumer", s);
    jsConsumerInfo_Destroy(ci);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = "CEIL";
    so.Consumer = "ceil";
    natsSubscription* sub = nullptr;
    s = js_PullSubscribe(&sub, js, "ceil.in.>", "ceil", nullptr, &so, &jerr);
    if (s != NATS_OK) return die("pull subscribe", s);
    long got = 0;
    uint64_t seq_sum = 0;
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    while (got < messages) {
      natsMsgList list{};
      s = natsSubscription_Fetch(&list, sub, batch, 5000, &jerr);
      if (s == NATS_TIMEOUT) break;
      if (s != NATS_OK) return die("fetch", s);
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* m = list.Msgs[i];
        if (meta) {
          jsMsgMetaData* md = nullptr;
          if (natsMsg_GetMetaData(&md, m) == NATS_OK) {
            seq_sum += md->Sequence.Stream;
            jsMsgMetaData_Destroy(md);
          }
        }
        if (ack_each || i == list.Count - 1) {
          const char* reply = natsMsg_GetReply(m);
          if (reply != nullptr) natsConnection_PublishString(nc, reply, "+ACK");
        }
      }
      got += list.Count;
      natsMsgList_Destroy(&list);
    }
    natsConnection_Flush(nc);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_seconds() - cpu0;
    std::printf("messages %ld wall_s %.3f messages_per_s %.0f cpu_s %.3f batch %d ack %s meta %d"
                " (seq sum %llu)\n",
                got, wall, got / wall, cpu, batch, ack_each ? "each" : "all", meta ? 1 : 0,
                static_cast<unsigned long long>(seq_sum));
    natsSubscription_Destroy(sub);
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  nats_Close();
  return 0;
}
