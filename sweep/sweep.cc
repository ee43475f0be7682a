// Sweeps (docs/sweep.md). Being built.
namespace tape::sweep_detail {}
