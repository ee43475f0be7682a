// A plugin built for another ABI version: the host must refuse it at load, naming both versions.
#include <tape/plugin.h>

extern "C" __attribute__((visibility("default"))) const tape_plugin_v1* tape_strategy_plugin_v1(
    void) {
  static tape_plugin_v1 table = [] {
    tape_plugin_v1 t{};
    t.abi_version = TAPE_PLUGIN_ABI_VERSION + 1;
    t.struct_size = sizeof(tape_plugin_v1);
    t.name = "from_the_future";
    return t;
  }();
  return &table;
}
