#!/usr/bin/env node
// `npm start`: serves the web app and the API on http://localhost:8080 with the embedded SQLite
// database under ./data (everything is built by the prestart step). `npm start -- --demo` seeds the
// example exchange and prints a demo account. Any other serve option passes through
// (`npm start -- --port 9090`); a command name runs the CLI instead (`npm start -- catalog list`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
const args = process.argv.slice(2);
const cli = args.length > 0 && !args[0].startsWith('-') ? args : ['serve', ...args];
const child = spawn(process.execPath, [bin, ...cli], { stdio: 'inherit' });
// The server shuts down gracefully on SIGINT/SIGTERM; pass them on and exit with its status.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
