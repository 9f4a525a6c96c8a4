import { retryDelaySeconds } from './delivery-policy.js';

/** How many requests one receiver gets at once, so a slow one cannot take every slot. */
export const PER_RECEIVER = 4;
// The component detail names a few failing receivers; the rest are counted.
const NAMED_IN_DETAIL = 3;

interface Receiver {
  inFlight: number;
  /** Failed attempts in a row, every notification counted. */
  streak: number;
  /** Unix seconds before which nothing more is sent to it. */
  heldUntil: number;
  /** Why it is failing, while it is. */
  failing?: string;
}

/**
 * What this instance knows of each webhook receiver. A failing receiver is held back as long as
 * one notification's backoff after its latest failure, so a dead receiver gets a few probes per
 * backoff step instead of every waiting notification at once, and the others keep their slots.
 */
export class ReceiverHealth {
  private readonly receivers = new Map<string, Receiver>();
  private readonly urls: string[];

  constructor(urls: string[]) {
    this.urls = [...new Set(urls)];
    for (const url of this.urls) {
      this.receivers.set(url, { inFlight: 0, streak: 0, heldUntil: 0 });
    }
  }

  /** The configured URLs that may take one more request now. */
  ready(now: number): string[] {
    return this.urls.filter((url) => {
      const receiver = this.receivers.get(url)!;
      return receiver.heldUntil <= now && receiver.inFlight < PER_RECEIVER;
    });
  }

  /** How many more requests `urls` can take at once. */
  room(urls: string[]): number {
    return urls.reduce((sum, url) => sum + PER_RECEIVER - this.get(url).inFlight, 0);
  }

  started(url: string): void {
    this.get(url).inFlight++;
  }

  ended(url: string): void {
    this.get(url).inFlight--;
  }

  succeeded(url: string): void {
    Object.assign(this.get(url), { streak: 0, heldUntil: 0, failing: undefined });
  }

  /** A refused notification says nothing of the others, so it holds nothing back. */
  rejected(url: string, why: string): void {
    this.get(url).failing = `${hostOf(url)}: ${why}`;
  }

  retrying(url: string, why: string, now: number): void {
    const receiver = this.get(url);
    receiver.streak++;
    receiver.heldUntil = Math.max(receiver.heldUntil, now + retryDelaySeconds(receiver.streak));
    receiver.failing = `${hostOf(url)}: ${why}, retrying`;
  }

  /** The component's detail while any receiver fails, else undefined. */
  failingDetail(): string | undefined {
    const failing = [...this.receivers.values()].flatMap((r) => (r.failing ? [r.failing] : []));
    if (failing.length === 0) {
      return undefined;
    }
    const more = failing.length - NAMED_IN_DETAIL;
    return failing.slice(0, NAMED_IN_DETAIL).join('; ') + (more > 0 ? `; ${more} more` : '');
  }

  private get(url: string): Receiver {
    return this.receivers.get(url)!;
  }
}

/** Host and port only: webhook URLs often carry their secret in the path (Slack, Mattermost). */
export function hostOf(url: string): string {
  return new URL(url).host;
}
