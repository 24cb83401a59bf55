import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const API_KEY_HEADER = 'x-api-key';

/** Methods that change state; reads stay open so dashboards and curl work without a key. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const MISSING_KEY_MESSAGE = `this endpoint needs an API key: send header ${API_KEY_HEADER}: <key> or Authorization: Bearer <key>`;
export const WRONG_KEY_MESSAGE = 'the API key sent is not valid';

/** The key a client presented, from x-api-key or a Bearer token. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers[API_KEY_HEADER];
  const direct = Array.isArray(header) ? header[0] : header;
  if (direct) return direct;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return bearer?.[1].trim();
}

/**
 * Compares digests rather than the keys themselves so that neither the content nor the length of
 * the expected key leaks through response timing.
 */
export function apiKeyMatches(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** Why a request is refused, or undefined when it may pass. */
export function apiKeyRefusal(expected: string | undefined, headers: IncomingHttpHeaders): string | undefined {
  if (!expected) return undefined;
  const presented = presentedApiKey(headers);
  if (!presented) return MISSING_KEY_MESSAGE;
  return apiKeyMatches(expected, presented) ? undefined : WRONG_KEY_MESSAGE;
}
