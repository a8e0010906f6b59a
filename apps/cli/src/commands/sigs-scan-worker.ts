/**
 * A worker thread of `keygrade sigs scan`'s first pass: takes blocks of the file from the shared
 * counter like the main thread (sigs-scan-blocks.ts) and sends back its part, buffers transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanBlocks, transferList, type BlocksJob } from './sigs-scan-blocks.js';

const result = scanBlocks(workerData as BlocksJob);
parentPort!.postMessage(result, transferList(result));
