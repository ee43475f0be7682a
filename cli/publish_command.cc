// `tape publish FILE --format F --subject S` or `tape publish --data-dir DATA --subject S` (docs/live.md):
// shipped data into a NATS JetStream stream for `tape live`.
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "feed/json.h"
#include "live/publish.h"

namespace tape {

int publish_command(const std::vector<std::string>& args) {
  std::string file, format = "jsonl", data_dir, subjects, symbol;
  PublishOptions o;
  bool json = false;
  po::options_description desc(
      "tape publish FILE --format jsonl --subject S | tape publish --data-dir DATA --subject S");
  desc.add_options()("help,h", "show this help")(
      "file", po::value<std::string>(&file), "a JSONL file (docs/data_formats.md), one message a line")(
      "format", po::value<std::string>(&format),
      "jsonl (sent line by line as it is, the default), or bars|quotes|trades|lobster "
      "(imported as tape import does, then sent as JSON lines)")(
      "symbol", po::value<std::string>(&symbol), "the symbol of a file that does not name it")(
      "data-dir", po::value<std::string>(&data_dir), "a data log (tape import) to publish instead")(
      "subject", po::value<std::string>(&o.subject)->required(), "the subject to publish to")(
      "rate", po::value<double>(&o.rate), "messages per second (default: as fast as possible)")(
      "limit", po::value<uint64_t>(&o.limit), "publish at most this many messages")(
      "url", po::value<std::string>(&o.nats.url), "the NATS server (default nats://127.0.0.1:4222)")(
      "stream", po::value<std::string>(&o.nats.stream), "the JetStream stream (default TAPE)")(
      "stream-subjects", po::value<std::string>(&subjects),
      "the stream's subjects when it is created (default tape.in.>)")(
      "json", po::bool_switch(&json), "print the summary as one JSON object");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (auto code = parse_options("publish", args, desc, &pos, vm)) return *code;
  if (file.empty() == data_dir.empty()) {
    return report_error(Status::usage("publish: give a FILE or --data-dir, not both"));
  }
  if (o.rate < 0) return report_error(Status::usage("publish: --rate must be positive"));
  if (!subjects.empty()) o.nats.subjects = {subjects};
  auto report = file.empty() ? publish_data_log(data_dir, o) : publish_file(file, format, symbol, o);
  if (!report.is_ok()) return report_error(report.status());
  const PublishReport& r = report.value();
  const double rate = r.elapsed_s > 0 ? static_cast<double>(r.messages) / r.elapsed_s : 0;
  if (json) {
    std::cout << dump_json(Json{{"command", "publish"}, {"subject", o.subject},
                                {"messages", r.messages}, {"elapsed_s", r.elapsed_s},
                                {"messages_per_s", rate}})
              << "\n";
  } else {
    std::cout << "tape publish: " << r.messages << " messages to " << o.subject << " in "
              << r.elapsed_s << " s (" << static_cast<uint64_t>(rate) << " msg/s)\n";
  }
  return 0;
}

}  // namespace tape
