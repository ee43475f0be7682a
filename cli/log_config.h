// Forwarding header while cli/inspect_command.cc still includes it: opening a recorded log with
// its config lives in session/recorded_log.h.
#pragma once

#include "session/recorded_log.h"
