import { HttpException, HttpStatus, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthFailures } from './auth-failures.js';

/** 401 with the challenge a client needs to know what to send. */
export function unauthorized(res: Response, scheme: string, message: string): HttpException {
  res.setHeader('WWW-Authenticate', scheme);
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}

/** Throws 429 when `address` is shut out after too many failed attempts. */
export function refuseIfShutOut(failures: AuthFailures, address: string, res: Response): void {
  const retryAfter = failures.retryAfter(address);
  if (retryAfter > 0) {
    throw shutOut(res, retryAfter);
  }
}

/** 429 for an address shut out after too many failed attempts. */
export function shutOut(res: Response, retryAfter: number): HttpException {
  res.setHeader('Retry-After', String(retryAfter));
  return new HttpException(
    {
      statusCode: 429,
      error: 'Too Many Requests',
      message: `too many failed attempts from this address; retry in ${retryAfter} s`,
    },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
