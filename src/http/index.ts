/**
 * `asyncio-ts/http`: aiohttp's ClientSession on undici.
 * @module
 */
export {};
