/**
 * `asyncio-ts/testing`: a local HTTP test server, a virtual clock and leak assertions for tests.
 * @module
 */
export {};
