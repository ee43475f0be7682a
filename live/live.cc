// The live session (docs/live.md). Being built.
namespace tape::live_detail {}
