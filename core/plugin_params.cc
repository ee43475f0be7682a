// The plugin side that needs no running strategy: parameter text, the loaded table's factory.
#include <array>
#include <cstring>
#include <utility>

#include "core/plugin_strategy.h"

namespace tape {
namespace {

constexpr int32_t kMaxDecimalScale = 18;

Status type_error(const std::string& name, PluginParamType type, const std::string& text) {
  return Status::invalid("parameter '" + name + "': expected " +
                         std::string(plugin_param_type_name(type)) + ", got '" + text + "'");
}

// Digits with single '_' between them (TOML), appended to `out`; false on any other shape.
bool take_digits(const std::string& s, size_t& i, std::string& out) {
  const size_t start = i;
  while (i < s.size()) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if (c == '_' && i > start && i + 1 < s.size() && s[i - 1] != '_' && s[i + 1] >= '0' &&
               s[i + 1] <= '9') {
      // separator
    } else {
      break;
    }
    ++i;
  }
  return i > start;
}

bool digits_to_int64(bool negative, const std::string& digits, int64_t& out) {
  int64_t v = 0;
  for (char c : digits) {
    if (__builtin_mul_overflow(v, int64_t{10}, &v)) return false;
    const int64_t d = c - '0';
    if (negative ? __builtin_sub_overflow(v, d, &v) : __builtin_add_overflow(v, d, &v)) return false;
  }
  out = v;
  return true;
}

bool parse_toml_string(const std::string& s, std::string& out) {
  if (s.size() < 2 || s.front() != s.back()) return false;
  if (s.front() == '\'') {
    out = s.substr(1, s.size() - 2);
    return out.find('\'') == std::string::npos;
  }
  if (s.front() != '"') return false;
  out.clear();
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c == '"') return false;
    if (c == '\\') {
      if (i + 2 >= s.size()) return false;
      switch (s[++i]) {
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        case 'b': c = '\b'; break;
        case 't': c = '\t'; break;
        case 'n': c = '\n'; break;
        case 'f': c = '\f'; break;
        case 'r': c = '\r'; break;
        default: return false;
      }
    }
    out.push_back(c);
  }
  return true;
}

}  // namespace

const char* plugin_param_type_name(PluginParamType t) {
  switch (t) {
    case PluginParamType::kInt: return "int";
    case PluginParamType::kDecimal: return "decimal";
    case PluginParamType::kString: return "string";
    case PluginParamType::kBool: return "bool";
  }
  return "?";
}

Result<PluginParamValue> parse_plugin_param(const std::string& name, PluginParamType type,
                                            const std::string& text) {
  PluginParamValue v{name, type, 0, 0, text};
  switch (type) {
    case PluginParamType::kBool:
      if (text != "true" && text != "false") return type_error(name, type, text);
      v.int_value = text == "true" ? 1 : 0;
      return v;
    case PluginParamType::kString:
      if (!parse_toml_string(text, v.text)) return type_error(name, type, text);
      return v;
    case PluginParamType::kInt:
    case PluginParamType::kDecimal:
      break;
  }
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++i;
  std::string whole, frac;
  if (!take_digits(text, i, whole)) return type_error(name, type, text);
  if (type == PluginParamType::kDecimal && i < text.size() && text[i] == '.') {
    ++i;
    if (!take_digits(text, i, frac)) return type_error(name, type, text);
  }
  if (i != text.size()) return type_error(name, type, text);
  if (frac.size() > size_t(kMaxDecimalScale)) {
    return Status::invalid("parameter '" + name + "': more than 18 decimal places in '" + text +
                           "'");
  }
  if (!digits_to_int64(negative, whole + frac, v.int_value)) {
    return Status::invalid("parameter '" + name + "': '" + text + "' does not fit in int64");
  }
  v.scale = int32_t(frac.size());
  v.text = (negative ? "-" : "") + whole + (frac.empty() ? "" : "." + frac);
  return v;
}

// ---- PluginFactory ----

Result<std::shared_ptr<const PluginFactory>> PluginFactory::make(
    const tape_plugin_v1* table, std::shared_ptr<const void> library, std::string path) {
  const std::string who = "plugin " + path;
  if (table == nullptr) return Status::invalid(who + ": the entry point returned no table");
  if (table->abi_version != TAPE_PLUGIN_ABI_VERSION) {
    return Status::invalid(who + ": built for plugin ABI version " +
                           std::to_string(table->abi_version) + ", this tape loads version " +
                           std::to_string(TAPE_PLUGIN_ABI_VERSION));
  }
  if (table->struct_size < sizeof(tape_plugin_v1)) {
    return Status::invalid(who + ": its table is smaller than ABI version 1's");
  }
  if (table->name == nullptr || table->name[0] == '\0') return Status::invalid(who + ": no name");
  const bool complete = table->create && table->destroy && table->on_start && table->on_bar &&
                        table->on_quote && table->on_trade && table->on_book && table->on_fill &&
                        table->on_order && table->on_timer && table->save_state &&
                        table->load_state;
  if (!complete) return Status::invalid(who + ": its table lacks a function");
  if (table->param_count > 0 && table->params == nullptr) {
    return Status::invalid(who + ": parameters declared without a list");
  }
  std::shared_ptr<PluginFactory> f(new PluginFactory());
  f->table_ = table;
  f->library_ = std::move(library);
  f->name_ = table->name;
  f->path_ = std::move(path);
  for (uint32_t i = 0; i < table->param_count; ++i) {
    const tape_param_decl_v1& d = table->params[i];
    if (d.name == nullptr || d.name[0] == '\0' || d.type > TAPE_PARAM_BOOL ||
        d.default_text == nullptr) {
      return Status::invalid(who + ": parameter declaration " + std::to_string(i) +
                             " is malformed");
    }
    PluginParamDecl decl{d.name, static_cast<PluginParamType>(d.type), d.default_text,
                         d.doc == nullptr ? "" : d.doc};
    for (const PluginParamDecl& prev : f->params_) {
      if (prev.name == decl.name) {
        return Status::invalid(who + ": parameter '" + decl.name + "' declared twice");
      }
    }
    const Result<PluginParamValue> dflt = parse_plugin_param(decl.name, decl.type,
                                                             decl.default_text);
    if (!dflt.is_ok()) return Status::invalid(who + ": default of " + dflt.status().message());
    f->params_.push_back(std::move(decl));
  }
  return std::shared_ptr<const PluginFactory>(std::move(f));
}

Result<std::vector<PluginParamValue>> resolve_params(const std::vector<PluginParamDecl>& decls,
                                                     const std::vector<PluginParam>& given,
                                                     const std::string& who) {
  for (size_t i = 0; i < given.size(); ++i) {
    bool declared = false;
    for (const PluginParamDecl& d : decls) declared = declared || d.name == given[i].key;
    if (!declared) return Status::invalid(who + " has no parameter '" + given[i].key + "'");
    for (size_t j = 0; j < i; ++j) {
      if (given[j].key == given[i].key) {
        return Status::invalid("parameter '" + given[i].key + "' given twice");
      }
    }
  }
  std::vector<PluginParamValue> out;
  out.reserve(decls.size());
  for (const PluginParamDecl& d : decls) {
    const std::string* text = &d.default_text;
    for (const PluginParam& p : given) {
      if (p.key == d.name) text = &p.value;
    }
    ASSIGN_OR_RETURN(PluginParamValue v, parse_plugin_param(d.name, d.type, *text));
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<tape_param_value_v1> c_param_values(const std::vector<PluginParamValue>& values) {
  std::vector<tape_param_value_v1> c;
  c.reserve(values.size());
  for (const PluginParamValue& v : values) {
    c.push_back(tape_param_value_v1{v.name.c_str(), static_cast<uint8_t>(v.type), v.int_value,
                                    v.scale, v.text.c_str()});
  }
  return c;
}

Result<std::vector<PluginParamValue>> PluginFactory::resolve(
    const std::vector<PluginParam>& given) const {
  return resolve_params(params_, given, "plugin '" + name_ + "'");
}

std::string plugin_error_text(const char* err, size_t len) {
  std::string s(err, strnlen(err, len));
  return s.empty() ? "(no message)" : s;
}

Result<void*> PluginFactory::create(const std::vector<PluginParamValue>& values) const {
  const std::vector<tape_param_value_v1> c = c_param_values(values);
  std::array<char, kPluginErrLen> err{};
  void* instance = nullptr;
  const int rc = table_->create(c.data(), uint32_t(c.size()), &instance, err.data(), err.size());
  if (rc != TAPE_OK || instance == nullptr) {
    if (instance != nullptr) table_->destroy(instance);
    return Status::invalid("plugin '" + name_ + "' (" + path_ + "): create failed: " +
                           plugin_error_text(err.data(), err.size()));
  }
  return instance;
}

}  // namespace tape
