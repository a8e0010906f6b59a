/** Builds the verifier page; writes it to `out` when given. */
export function buildVerifier(out?: string): Promise<{ html: string; sha256: string; bytes: number }>;
