/**
 * The OpenTimestamps calendar HTTP protocol: `POST <uri>/digest` with the commitment bytes,
 * `GET <uri>/timestamp/<hex commitment>` for an upgrade; both answer a serialised timestamp.
 */
import { toHex } from '../bytes.js';
import { AttestError } from '../errors.js';
import type { Calendar } from '../ots/calendar.js';
import { parseTimestamp, type Timestamp } from '../ots/timestamp.js';
import { fetchBytes, type HttpOptions } from './http.js';

const ACCEPT = { accept: 'application/vnd.opentimestamps.v1', 'user-agent': 'keygrade' };
const MAX_ANSWER = 10_000;

export class HttpCalendar implements Calendar {
  constructor(
    readonly uri: string,
    private readonly options: HttpOptions = {},
  ) {}

  async submit(commitment: Uint8Array): Promise<Timestamp> {
    const body = await fetchBytes(`${this.uri}/digest`, { method: 'POST', headers: { ...ACCEPT, 'content-type': 'application/x-www-form-urlencoded' }, body: commitment.slice() }, this.options, MAX_ANSWER, 'OTS_CALENDAR_UNAVAILABLE');
    if (body === undefined) throw new AttestError('OTS_CALENDAR_UNAVAILABLE', `${this.uri}/digest: not found`);
    return parseTimestamp(body);
  }

  async upgrade(commitment: Uint8Array): Promise<Timestamp | undefined> {
    const body = await fetchBytes(`${this.uri}/timestamp/${toHex(commitment)}`, { method: 'GET', headers: ACCEPT }, this.options, MAX_ANSWER, 'OTS_CALENDAR_UNAVAILABLE');
    return body === undefined ? undefined : parseTimestamp(body);
  }
}
