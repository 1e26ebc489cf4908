/**
 * `asyncio-ts/executor`: offloading blocking and CPU-bound work to worker threads (piscina).
 * @module
 */
export {};
