// Runs before every test file (vitest setupFiles). Each vitest worker keeps its keychain entries under a service of
// its own, inherited by the CLI and gateway processes its tests start: test files running side by side then never
// walk each other's entries. A Secret Service search that meets an entry another process deletes mid-walk fails,
// and keytar crashes outright on one whose value vanished (libsecret hands it a NULL secret).
process.env.GATEHOUSE_KEYCHAIN_SERVICE ||= `Gatehouse-test-${process.env.VITEST_POOL_ID ?? process.pid}`;
