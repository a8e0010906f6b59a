/** @keygrade/reserves/node — node-only helpers: the multi-threaded tree builder and accounts file reader. */
export * from './parallel.js';
export * from './stream.js';
export * from './read.js';
export { nativeStatus, nativeHashing, NATIVE_PATH, type NativeHashing, type NativeStatus } from './native.js';
