// Placeholder so the feed library has a translation unit while it is being filled.
namespace tape {}
