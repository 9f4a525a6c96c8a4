import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ACCESS, type Access } from './access.decorators.js';
import { ApiKey } from './api-key.js';
import { AuthFailures } from './auth-failures.js';
import { refuseIfShutOut, unauthorized } from './unauthorized.js';

/**
 * Token mode: every HTTP route needs `X-API-Key` unless it is marked public or device ingest
 * (which has its own guard). Applied globally, so a new controller is guarded by default.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKey: ApiKey,
    private readonly failures: AuthFailures,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.apiKey.open || context.getType() !== 'http') {
      return true;
    }
    const access =
      this.reflector.getAllAndOverride<Access>(ACCESS, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'api-key';
    if (access === 'public' || access === 'device') {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const address = req.ip ?? 'unknown';
    refuseIfShutOut(this.failures, address, res);
    const given =
      req.header('x-api-key') ?? (access === 'api-key-or-query' ? req.query.apiKey : undefined);
    if (this.apiKey.matches(given)) {
      return true;
    }
    const guessed = given !== undefined && given !== '';
    this.failures.record('http', address, guessed ? 'wrong API key' : 'no API key', guessed);
    throw unauthorized(res, 'ApiKey header="X-API-Key"', 'a valid X-API-Key header is required');
  }
}
