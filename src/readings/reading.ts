/** A sensor entry of a reading document. */
export interface SensorEntry {
  type: string;
  val: number;
}

/** A validated reading document, times already in Unix seconds. */
export interface ReadingInput {
  id: string;
  ts: number;
  pct: number | null;
  sensors: SensorEntry[];
}

export type ReadingSource = 'http' | 'mqtt';

/** The shape of a stored reading everywhere: HTTP answers, Socket.IO and SSE. */
export interface StoredReading extends ReadingInput {
  readingId: number;
  receivedAt: number;
  source: ReadingSource;
  gateway: number | null;
}

/** Where an accepted document came from, kept with it. */
export interface ReadingOrigin {
  source: ReadingSource;
  gateway: number | null;
}
