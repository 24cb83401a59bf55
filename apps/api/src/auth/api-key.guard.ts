import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '@ecom/config';
import { WRITE_METHODS, apiKeyRefusal } from './api-key';

/** Writes need the configured API key; GETs stay open. Without a configured key everything is open. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!WRITE_METHODS.has(request.method.toUpperCase())) return true;
    const refusal = apiKeyRefusal(this.config.apiKey, request.headers);
    if (refusal) throw new UnauthorizedException(refusal);
    return true;
  }
}
