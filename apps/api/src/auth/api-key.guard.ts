import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppConfig } from '@ecom/config';
import { WRITE_METHODS, apiKeyRefusal } from './api-key';
import { PERSONAL_DATA, type RouteParams } from './personal-data';

/**
 * With a configured key, writes and reads of personal data (@PersonalData) need it; other reads
 * (aggregates, run status, health, metrics) stay open. Without a configured key everything is open.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.config.apiKey) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!WRITE_METHODS.has(request.method.toUpperCase()) && !this.personal(context, request)) return true;
    const refusal = apiKeyRefusal(this.config.apiKey, request.headers);
    if (refusal) throw new UnauthorizedException(refusal);
    return true;
  }

  private personal(context: ExecutionContext, request: Request): boolean {
    const when = this.reflector.get<((params: RouteParams) => boolean) | undefined>(PERSONAL_DATA, context.getHandler());
    return when !== undefined && when(request.params as RouteParams);
  }
}
