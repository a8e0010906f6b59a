export * from './app.js';
export * from './config.js';
export * from './serve.js';
export { mergeCosignatures } from './routes/logs.js';
export * from './domain/register-io.js';
