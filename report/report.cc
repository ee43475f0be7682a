// Placeholder so the report library has a translation unit while it is being filled.
namespace tape {}
