import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The API key of token mode, compared in constant time. */
@Injectable()
export class ApiKey {
  private readonly expected?: Buffer;

  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {
    this.expected = config.apiKey === undefined ? undefined : digest(config.apiKey);
  }

  /** True when the API needs no key (open mode). */
  get open(): boolean {
    return this.config.authMode === 'open';
  }

  matches(given: unknown): boolean {
    if (this.open) {
      return true;
    }
    if (typeof given !== 'string' || given.length > 1024 || !this.expected) {
      return false;
    }
    return timingSafeEqual(digest(given), this.expected);
  }
}
