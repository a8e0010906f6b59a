/** See hugepages.js. */
export function withHugePages(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv | undefined;
export function hugePageEnv(args: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv | undefined;
export function relaunch(script: string, args: readonly string[], env: NodeJS.ProcessEnv): void;
