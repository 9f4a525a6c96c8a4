import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiKey } from './api-key.js';
import { AuthFailures } from './auth-failures.js';
import type { DeviceCredential } from './device-credentials.js';
import { DeviceTokensService } from './device-tokens.service.js';
import { refuseIfShutOut, unauthorized } from './unauthorized.js';

export type DeviceRequest = Request & { device?: DeviceCredential };

/** Token mode: ingest needs `Authorization: Bearer <device token>`; the device is kept on the request. */
@Injectable()
export class DeviceAuthGuard implements CanActivate {
  constructor(
    private readonly apiKey: ApiKey,
    private readonly tokens: DeviceTokensService,
    private readonly failures: AuthFailures,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.apiKey.open) {
      return true;
    }
    const req = context.switchToHttp().getRequest<DeviceRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const address = req.ip ?? 'unknown';
    refuseIfShutOut(this.failures, address, res);
    const match = /^Bearer +(\S+)$/i.exec(req.header('authorization') ?? '');
    const device = match ? await this.tokens.verify(match[1]) : null;
    if (device) {
      req.device = device;
      return true;
    }
    this.failures.record(
      'http',
      address,
      match ? 'unknown device token' : 'no device token',
      Boolean(match),
    );
    throw unauthorized(
      res,
      'Bearer',
      'a valid device token is required (Authorization: Bearer <token>)',
    );
  }
}
