import type { NextFunction, Request, Response } from 'express';
import { apiKeyRefusal } from './api-key';

/**
 * Bull Board is an Express router outside Nest's guards, and it can retry or delete jobs, so
 * every request under it (reads included) needs the key.
 */
export function requireApiKey(expected: string | undefined) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const refusal = apiKeyRefusal(expected, request.headers);
    if (!refusal) {
      next();
      return;
    }
    response.status(401).json({ statusCode: 401, message: refusal, error: 'Unauthorized' });
  };
}
