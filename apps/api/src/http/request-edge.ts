import { BadRequestException, UnsupportedMediaTypeException, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Bodies are small JSON documents (a run's parameters, a schedule change); body-parser's default size. */
export const JSON_BODY_LIMIT = '100kb';

/**
 * Deepest nesting a JSON body may have. The api's bodies are flat objects; Bull Board's job data
 * goes a few levels deeper. Without a limit a body nested a few thousand levels deep overflows the
 * stack of class-transformer (and of anything else that walks it recursively): a 500.
 */
export const MAX_JSON_DEPTH = 32;

/** An error body-parser passes on with its own status, which Nest answers as JSON. */
function clientError(status: number, message: string, type: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

/**
 * body-parser's `verify` hook: runs on the raw bytes before JSON.parse, so nothing walks a body
 * nested deeper than MAX_JSON_DEPTH. A linear scan that skips strings (and escapes within them).
 */
export function verifyJsonDepth(_request: unknown, _response: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw clientError(400, `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`, 'entity.too.deep');
      }
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
}

function hasBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Every body the api takes is JSON. A body of another type (text/plain, a form) is refused with
 * 415 before any parser or handler sees it; otherwise the JSON parser would skip it and the
 * handler would run as if no body had been sent (a text/plain POST /runs started a default run).
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  if (hasBody(request) && !request.is('application/json')) {
    const type = request.headers['content-type'] ?? 'none';
    next(new UnsupportedMediaTypeException(`request bodies must be JSON (Content-Type: application/json); got ${type}`));
    return;
  }
  next();
}

/** The first place in `value` (a body, a query, a route parameter) holding a NUL character. */
function nulPath(value: unknown, path: string): string | undefined {
  const stack: Array<[unknown, string]> = [[value, path]];
  while (stack.length > 0) {
    const [current, at] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return at;
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push([item, `${at}[${i}]`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\u0000')) return at;
        stack.push([item, at ? `${at}.${key}` : key]);
      }
    }
  }
  return undefined;
}

function decodedOrRaw(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The same refusal for routes outside Nest's pipes (Bull Board's Express router): a NUL in the
 * path, the query or the body is a 400 before the router sees it (a NUL `status` reached a Redis
 * script there and came back as a 500).
 */
export function rejectNulInRequest(request: Request, _response: Response, next: NextFunction): void {
  const where = decodedOrRaw(request.path).includes('\u0000')
    ? 'the path'
    : (nulPath(request.query, 'query') ?? nulPath(request.body, 'body'));
  next(where === undefined ? undefined : new BadRequestException([`${where} must not contain a NUL character`]));
}

/**
 * Refuses a NUL character in any string a handler receives. PostgreSQL text cannot hold one
 * (a query parameter with NUL fails with 22021, a 500), and no name, date, path or filter value
 * of this api contains one: it is always hostile or broken input, and the 400 names the field.
 */
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const where = nulPath(value, metadata.type === 'body' || metadata.type === 'query' ? (metadata.data ?? '') : (metadata.data ?? metadata.type));
    if (where !== undefined) {
      const name = where || (metadata.type === 'body' ? 'the body' : 'the query');
      throw new BadRequestException([`${name} must not contain a NUL character`]);
    }
    return value;
  }
}
