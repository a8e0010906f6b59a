// Huge pages for the commands that build large snapshots (plain JavaScript, run before the CLI loads).
//
// `keygrade por build` writes gigabytes of fresh memory (the leaf records, the levels, the salts).
// On Linux every first touch of a 4 KiB page is a page fault, and in virtual machines a fault can
// cost 10 µs or more: at 10 million accounts that was a third of the build. glibc's malloc tunable
// `glibc.malloc.hugetlb=1` asks the kernel for transparent huge pages (2 MiB) on the large blocks
// malloc maps, which Node's ArrayBuffers and SharedArrayBuffers are; the faults then drop by a
// factor of 512. Tunables are read when the process starts, so the command re-runs itself once with
// the tunable set. Elsewhere (another OS, musl, THP disabled) the variable is ignored and nothing
// changes. Setting GLIBC_TUNABLES with any glibc.malloc.hugetlb value (e.g. 0) turns this off.
import { spawn } from 'node:child_process';

const TUNABLE = 'glibc.malloc.hugetlb';

/** The commands that relaunch: the ones that allocate memory in proportion to their input. */
function wantsHugePages(args) {
  return args[0] === 'por' && args[1] === 'build';
}

/**
 * `env` with glibc.malloc.hugetlb=1 added to GLIBC_TUNABLES, or undefined when it would change
 * nothing: not Linux, or GLIBC_TUNABLES already says something about glibc.malloc.hugetlb.
 */
export function withHugePages(env, platform) {
  if (platform !== 'linux') return undefined;
  const current = env.GLIBC_TUNABLES ?? '';
  if (current.split(':').some((t) => t.split('=')[0] === TUNABLE)) return undefined;
  return { ...env, GLIBC_TUNABLES: current === '' ? `${TUNABLE}=1` : `${current}:${TUNABLE}=1` };
}

/** The environment to relaunch `args` with ({@link withHugePages} for `por build`), or undefined to run in this process. */
export function hugePageEnv(args, env, platform) {
  return wantsHugePages(args) ? withHugePages(env, platform) : undefined;
}

/**
 * Runs this script again with `env`, with the same Node options, arguments and standard streams,
 * and ends this process the way the child ended (exit code, or the same signal).
 */
export function relaunch(script, args, env) {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], { stdio: 'inherit', env });
  // A terminal's Ctrl-C reaches the whole process group, the child included: this process only
  // waits for it. Signals sent to this process alone are passed on.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (e) => {
    process.stderr.write(`keygrade: cannot start ${process.execPath}: ${e.message}\n`);
    process.exit(3);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}
