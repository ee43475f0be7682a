// Forwarding header while cli/inspect_command.cc still includes it: the summary and the JSON
// helpers live in report/.
#pragma once

#include "report/json.h"
#include "report/summary.h"
