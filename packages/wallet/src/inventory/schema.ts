/**
 * The key inventory (issue 8 §1): sites, devices, keys and their backups, as one zod schema that
 * validates YAML and CSV imports and types the wallet checks. Evidence for CCSS 1.02 (where and by
 * whom keys are held) and 1.03 (backups, their protection and seals).
 */
import { z } from 'zod';

const id = z.string().min(1).max(200);
const date = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'must be a date (YYYY-MM-DD)'), z.date().transform((d) => d.toISOString().slice(0, 10))]);

export const Site = z.object({
  id,
  name: z.string().optional(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as CH'),
  /** Region, state or province (ISO 3166-2 subdivision or free text). */
  region: z.string().optional(),
});

export const Device = z.object({
  id,
  vendor: z.string().min(1),
  model: z.string().optional(),
  serial: z.string().optional(),
});

export const Key = z.object({
  id,
  xpub: z.string().regex(/^[xt]pub[1-9A-HJ-NP-Za-km-z]{100,112}$/, 'must be an xpub or tpub').optional(),
  /** Master key fingerprint (BIP 32), 8 hex digits. */
  fingerprint: z.string().regex(/^[0-9a-fA-F]{8}$/, 'must be 8 hex digits').transform((s) => s.toLowerCase()).optional(),
  path: z.string().regex(/^m(\/\d{1,10}['h]?)*$/, "must be a BIP 32 path such as m/48'/0'/0'/2'").optional(),
  holder: z.string().min(1),
  organization: z.string().min(1),
  site: id,
  device: id.optional(),
  created: z
    .object({
      method: z.enum(['ceremony', 'hardware-device', 'software', 'dice', 'other']),
      by: z.string().min(1),
      date: date.optional(),
      /** Reference to the key-ceremony transcript (file name, evidence hash or URL). */
      ceremony: z.string().optional(),
    })
    .optional(),
});

export const Inspection = z.object({
  date,
  by: z.string().optional(),
  /** The serial read off the seal at the inspection. */
  serial: z.string().min(1),
  intact: z.boolean(),
  note: z.string().optional(),
});

export const Seal = z.object({ serial: z.string().min(1), inspections: z.array(Inspection).default([]) });

export const Backup = z.object({
  id: id.optional(),
  /** The key (inventory id) this backup restores. */
  key: id,
  medium: z.enum(['paper', 'steel', 'hsm', 'smartcard', 'usb', 'hardware-device', 'shamir-shares', 'other']),
  site: id,
  encrypted: z.boolean(),
  accessControl: z.string().min(1).optional(),
  /** Hazards the storage protects against. */
  environmental: z.array(z.enum(['fire', 'flood', 'emp', 'corrosion', 'temperature', 'humidity'])).default([]),
  seals: z.array(Seal).default([]),
});

export const Inventory = z.object({
  sites: z.array(Site).default([]),
  devices: z.array(Device).default([]),
  keys: z.array(Key).default([]),
  backups: z.array(Backup).default([]),
});

export type Site = z.infer<typeof Site>;
export type Device = z.infer<typeof Device>;
export type InventoryKey = z.infer<typeof Key>;
export type Backup = z.infer<typeof Backup>;
export type Inventory = z.infer<typeof Inventory>;
