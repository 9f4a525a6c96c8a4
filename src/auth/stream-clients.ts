import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/**
 * Live connections (Socket.IO and SSE together) open at once per client address, at most
 * MAX_STREAM_CLIENTS_PER_IP: each one holds memory and a share of every broadcast.
 */
@Injectable()
export class StreamClients {
  private readonly open = new Map<string, number>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A release function for a new connection from `address`; null when it is over the limit. */
  admit(address: string): (() => void) | null {
    const count = this.open.get(address) ?? 0;
    if (count >= this.config.maxStreamClientsPerIp) {
      return null;
    }
    this.open.set(address, count + 1);
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) {
        this.open.set(address, left);
      } else {
        this.open.delete(address);
      }
    };
  }

  get limit(): number {
    return this.config.maxStreamClientsPerIp;
  }
}
