import { Logger } from '@nestjs/common';

export type Listener<T> = (value: T) => void;

/**
 * A set of synchronous listeners. A listener that throws is logged and skipped, so one broken
 * consumer (a socket, a stream) never stops the producer or the other listeners.
 */
export class Listeners<T> {
  private readonly logger: Logger;
  private readonly listeners = new Set<Listener<T>>();

  constructor(owner: string) {
    this.logger = new Logger(owner);
  }

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        this.logger.error(`A listener failed: ${String(error)}`);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
