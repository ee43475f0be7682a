// Placeholder so the session library has a translation unit while it is being filled.
namespace tape {}
