#include "session/data_log_source.h"

#include "feed/data_log.h"

namespace tape {

Result<std::unique_ptr<DataLogSource>> DataLogSource::open(const EventLog& log, Seq last) {
  ASSIGN_OR_RETURN(std::optional<std::string> kind, log.get_meta(kMetaLogKind));
  if (kind != std::optional<std::string>(kLogKindData)) {
    return Status::invalid(log.dir() + ": not a data log (its meta log_kind is not \"data\")");
  }
  return std::unique_ptr<DataLogSource>(new DataLogSource(log, last));
}

bool DataLogSource::next(Timestamp& ts, InputBody& body) {
  if (!status_.is_ok() || !inputs_.next(ts, body)) return false;
  if (!inputs_.last().outputs.empty()) {
    status_ = Status::mismatch(log_.dir() + ": data log holds outputs at seq " +
                               std::to_string(inputs_.position().value()));
    return false;
  }
  return true;
}

Status DataLogSource::status() const {
  if (!status_.is_ok()) return status_;
  return inputs_.status();
}

Status DataLogSource::restore_state(std::string_view bytes) {
  RETURN_IF_ERROR(inputs_.restore_state(bytes));
  if (inputs_.position() > log_.last_seq()) {
    return Status::mismatch("data log position seq " + std::to_string(inputs_.position().value()) +
                            " is past the data log's end at seq " +
                            std::to_string(log_.last_seq().value()));
  }
  status_ = Status::ok();
  return Status::ok();
}

}  // namespace tape
