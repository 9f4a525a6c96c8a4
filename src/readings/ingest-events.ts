import { Injectable } from '@nestjs/common';
import { type Listener, Listeners } from '../common/listeners.js';

export interface Rejection {
  /** `http`, `mqtt` or `tcp`. */
  channel: string;
  count: number;
}

/** Ingest attempts refused as bad input, from every channel: the monitor counts them. */
@Injectable()
export class IngestEvents {
  private readonly rejections = new Listeners<Rejection>(IngestEvents.name);

  rejected(channel: string, count = 1): void {
    this.rejections.emit({ channel, count });
  }

  onRejected(listener: Listener<Rejection>): () => void {
    return this.rejections.subscribe(listener);
  }
}
