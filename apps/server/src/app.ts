/**
 * buildApp(deps): the Fastify application without listening, so tests drive it with `inject` and
 * `serve.ts` adds the network, the sequencer and signals. Every route validates its input with a
 * zod schema; the same schemas produce the OpenAPI 3.1 document at /api/openapi.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { isKeygradeError } from '@keygrade/errors';
import { VersionConflict, type Db, type MasterKey } from '@keygrade/db';
import type { Catalog } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import type { Config } from './config.js';
import { HttpDenied, sendDenied } from './auth.js';
import { statusFor } from './http-errors.js';
import { healthRoutes } from './routes/health.js';
import { logRoutes } from './routes/logs.js';
import { installAuthz, type AuthzOptions } from './authz.js';
import { authRoutes } from './routes/auth.js';
import { orgRoutes } from './routes/orgs.js';
import { docsRoutes } from './routes/docs.js';
import { assessmentRoutes } from './routes/assessments.js';
import { evidenceRoutes } from './routes/evidence.js';
import { adminLogRoutes } from './routes/admin-logs.js';
import { reserveRoutes } from './routes/reserves.js';
import { engagementLoader, engagementRoutes } from './routes/engagements.js';
import { registryRoutes } from './routes/registry.js';
import { registryPages } from './routes/registry-pages.js';
import { auditOutputs } from './domain/audit-outputs.js';
import { requireEngagement } from './authz.js';
import { EvidenceStore } from './domain/evidence-store.js';

export interface AppDeps {
  db: Db;
  master: MasterKey;
  config: Pick<Config, 'logOrigin' | 'logLevel'>;
  now?: () => Date;
  /** Asked to integrate soon after entries are appended (the running sequencer, if any). */
  pokeSequencer?: () => void;
  /** Is the sequencer running here (or elsewhere)? Reported by /api/ready. */
  sequencerActive?: () => boolean;
  logger?: boolean | object;
  /** Account policy overrides (lockout, rate limits, session lengths) and Secure cookies behind a TLS proxy. */
  accounts?: AuthzOptions;
  /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-* headers. */
  trustProxy?: boolean;
  /** The CCSS catalog (default: the shipped editions). */
  catalog?: Catalog;
  /** Where evidence files are stored (default: a fresh temporary directory, for tests). */
  evidence?: EvidenceStore;
  /** A TTF/OTF font with CJK glyphs for zh-CN PDF reports. */
  cjkFont?: Uint8Array;
}

export type App = FastifyInstance;

/** Header and field names whose values never reach the logs. */
export const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]', 'req.headers["x-csrf-token"]', 'req.body.password', 'req.body.current', 'req.body.next', 'req.body.code', 'req.body.token'];

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    logger: deps.logger === undefined ? false : deps.logger === true ? { level: deps.config.logLevel, redact: REDACT } : deps.logger,
    genReqId: () => randomUUID(),
    bodyLimit: 8 * 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Keygrade API', version: '0.1.0', description: 'Keygrade: the CryptoCurrency Security Standard platform. Tamper-evident logs (C2SP tlog-tiles), ingestion and proofs.' },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'An API token `kg_<id>_<secret>` (keygrade token create)' } } },
    },
    transform: jsonSchemaTransform,
  });

  app.setErrorHandler((error, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.code(400).send({
        error: 'INVALID_REQUEST',
        message: `the request ${error.validationContext ?? ''} is not valid`.replace('  ', ' '),
        problems: error.validation.map((v) => ({ path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'), message: v.message ?? 'invalid' })),
      });
    }
    if (error instanceof HttpDenied) return sendDenied(reply, error);
    if (error instanceof VersionConflict) return reply.code(409).send({ error: error.code, message: error.message, current: error.current });
    if (isKeygradeError(error)) {
      return reply.code(statusFor(error)).send({ error: error.code, message: error.message, problems: error.problems });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: (error as { code?: string }).code ?? 'BAD_REQUEST', message: (error as Error).message });
    }
    req.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'INTERNAL', message: `internal error; request id ${req.id}` });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  await installAuthz(app, deps);
  app.get('/api/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, () => app.swagger());
  await app.register(healthRoutes(deps));
  await app.register(logRoutes(deps));
  await app.register(authRoutes());
  await app.register(orgRoutes());
  await app.register(docsRoutes());
  const catalog = deps.catalog ?? openCatalog();
  const evidence = deps.evidence ?? new EvidenceStore(mkdtempSync(join(tmpdir(), 'keygrade-evidence-')), 50 * 1024 * 1024);
  await app.register(assessmentRoutes({ ...deps, catalog }));
  await app.register(evidenceRoutes({ ...deps, catalog, evidence }));
  await app.register((await import('./routes/evidence-push.js')).evidencePushRoutes({ ...deps, catalog, evidence })); // POST /api/assessments/:id/evidence (automation, CLI --attach)
  await app.register(adminLogRoutes(deps));
  await app.register(reserveRoutes({ ...deps, catalog, evidence, verifierHtml: fileURLToPath(new URL('../../../packages/reserves/dist/verifier.html', import.meta.url)) }));
  await app.register(engagementRoutes({ ...deps, catalog, evidence }));
  const loadEngagement = engagementLoader(deps.db, catalog);
  const outputs = auditOutputs({ catalog, evidence, now: deps.now ?? (() => new Date()), cjkFont: deps.cjkFont });
  const reportHtml = async (engagementId: string, req: Parameters<typeof requireEngagement>[0]) => {
    const r = await outputs.report(await loadEngagement(await requireEngagement(req, engagementId, 'engagement:read')), 'html');
    return new TextEncoder().encode(String(r.body));
  };
  await app.register(registryRoutes({ ...deps, evidence, reportHtml }));
  await app.register(registryPages(deps));
  await app.register((await import('./routes/compliance.js')).complianceRoutes({ ...deps, catalog }));
  await app.register((await import('./routes/wallets.js')).walletRoutes({ ...deps, catalog })); // key inventory, wallet and PSBT checks (issue 8)
  await app.register((await import('./routes/web.js')).webRoutes()); // the web app at / (apps/web/dist)
  return app;
}
