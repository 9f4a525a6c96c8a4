import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Clock, localMidnight } from '../common/clock.js';
import { Listeners } from '../common/listeners.js';
import { MinuteCounts } from '../common/minute-counts.js';
import { RingBuffer } from '../common/ring-buffer.js';
import { IngestEvents } from '../readings/ingest-events.js';
import { ReadingWriter } from '../readings/reading-writer.js';
import { ReadingsService } from '../readings/readings.service.js';
import { overallStatus } from './overall-status.js';
import type {
  ComponentName,
  ComponentState,
  ComponentStatus,
  EventType,
  LiveEnvelope,
  Metrics,
  MonitorEvent,
  OverallStatus,
  ReportedGauge,
} from './monitor.types.js';

const EVENT_BUFFER = 100;
const ALERT_BUFFER = 50;
/** Messages with an id kept for clients that reconnect with Last-Event-ID. */
export const REPLAY_BUFFER = 1000;

/**
 * The one place every module reports to: events, components, counters and alerts, and the
 * hub that live clients (Socket.IO, SSE) listen to. Counters are kept as things happen, so
 * reading a metric never scans a table.
 */
@Injectable()
export class MonitorService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MonitorService.name);
  private readonly live = new Listeners<LiveEnvelope>(MonitorService.name);
  private readonly events = new RingBuffer<MonitorEvent>(EVENT_BUFFER);
  private readonly alerts = new RingBuffer<{ id: number } & Record<string, unknown>>(ALERT_BUFFER);
  private readonly replay = new RingBuffer<LiveEnvelope>(REPLAY_BUFFER);
  private readonly components = new Map<ComponentName, ComponentStatus>();
  private readonly gauges: Record<ReportedGauge, number> = {
    occupancy: 0,
    devicesOnline: 0,
    devicesOffline: 0,
    openAlerts: 0,
    openErrorAlerts: 0,
  };
  private readonly readingsPerMinute = new MinuteCounts(60);
  private readonly acceptedPerMinute = new MinuteCounts(60);
  private readonly rejectedPerMinute = new MinuteCounts(60);
  private readonly eventsPerMinute = new MinuteCounts(10);
  private readonly startedAt: number;
  private today = { midnight: 0, count: 0 };
  private failedWrites = 0;
  private rejectedInputs = 0;
  private nextId = 1;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly ingestTotals = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly writer: ReadingWriter,
    private readonly readings: ReadingsService,
    private readonly ingest: IngestEvents,
  ) {
    this.startedAt = clock.now();
  }

  async onModuleInit(): Promise<void> {
    // Today's count survives a restart: counted once at start, then kept as readings commit.
    const midnight = localMidnight(this.clock.now());
    this.today = { midnight, count: await this.readings.countReceivedSince(midnight / 1000) };
    this.unsubscribers.push(
      this.ingest.onRejected(({ channel, count }) => this.recordIngest(channel, false, count)),
    );
    this.unsubscribers.push(
      this.writer.onCommitted((reading) => {
        this.countReadings(1);
        this.recordIngest(reading.source, true);
        this.publish('update_data', reading);
      }),
    );
    this.unsubscribers.push(
      this.writer.onOutcome(({ ok, items: readings }) => {
        if (!ok) {
          this.failedWrites += readings;
          this.logEvent('error', `Failed to store ${readings} reading(s)`, { count: readings });
        }
      }),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribers.forEach((unsubscribe) => unsubscribe());
  }

  logEvent(type: EventType, message: string, details: Record<string, unknown> = {}): MonitorEvent {
    const event: MonitorEvent = {
      id: this.nextId++,
      type,
      message,
      details,
      at: this.clock.seconds(),
    };
    this.events.push(event);
    this.eventsPerMinute.add(this.clock.now());
    this.emit('event', event, event.id);
    return event;
  }

  updateComponent(name: ComponentName, status: ComponentState, detail = ''): void {
    const previous = this.components.get(name);
    if (previous?.status === status && previous.detail === detail) {
      return;
    }
    this.components.set(name, { status, detail, since: this.clock.seconds() });
    if (previous?.status !== status) {
      const type = status === 'online' ? 'info' : status === 'offline' ? 'warning' : 'error';
      this.logEvent(type, `${name} ${status}${detail ? `: ${detail}` : ''}`, {
        component: name,
        status,
        detail,
      });
    }
  }

  /** Ingest attempts: `accepted` documents or commands taken, or refused as bad input. */
  recordIngest(channel: string, accepted: boolean, count = 1): void {
    const now = this.clock.now();
    if (accepted) {
      this.acceptedPerMinute.add(now, count);
    } else {
      this.rejectedPerMinute.add(now, count);
      this.rejectedInputs += count;
    }
    const key = `${channel}|${accepted ? 'accepted' : 'rejected'}`;
    this.ingestTotals.set(key, (this.ingestTotals.get(key) ?? 0) + count);
  }

  /** Ingest attempts since start by channel and result, for Prometheus. */
  ingestCounts(): { channel: string; result: string; count: number }[] {
    return [...this.ingestTotals].map(([key, count]) => {
      const [channel, result] = key.split('|');
      return { channel, result, count };
    });
  }

  setGauge(name: ReportedGauge, value: number): void {
    this.gauges[name] = value;
  }

  /** An alert changed (raised, repeated, acknowledged, resolved): kept and sent to live clients. */
  recordAlert(alert: { id: number } & Record<string, unknown>): void {
    this.alerts.push(alert);
    this.emit('alert', alert, this.nextId++);
  }

  /** Sends a message to every live client (Socket.IO, SSE); `status` gets no replay id. */
  publish(event: string, data: unknown): void {
    this.emit(event, data, event === 'status' ? undefined : this.nextId++);
  }

  subscribe(listener: (message: LiveEnvelope) => void): () => void {
    return this.live.subscribe(listener);
  }

  /** Messages with an id above `lastId` still held for replay, oldest first. */
  replaySince(lastId: number): LiveEnvelope[] {
    return this.replay
      .toArray()
      .filter((message) => message.id !== undefined && message.id > lastId);
  }

  getMetrics(): Metrics {
    const now = this.clock.now();
    const accepted = this.acceptedPerMinute.total(now);
    const attempts = accepted + this.rejectedPerMinute.total(now);
    return {
      readingsToday: this.readingsToday(now),
      readingsLastHour: this.readingsPerMinute.total(now),
      acceptanceRate: attempts === 0 ? 100 : Math.round((accepted / attempts) * 1000) / 10,
      writeQueue: this.writer.waiting,
      failedWrites: this.failedWrites,
      rejectedInputs: this.rejectedInputs,
      occupancy: this.gauges.occupancy,
      devicesOnline: this.gauges.devicesOnline,
      devicesOffline: this.gauges.devicesOffline,
      openAlerts: this.gauges.openAlerts,
      eventsPerMinute: this.eventsPerMinute.perMinute(now),
      uptimeSeconds: Math.floor((now - this.startedAt) / 1000),
    };
  }

  /** Ingest attempts in the last hour, for the acceptance-rate rule. */
  ingestAttemptsLastHour(): number {
    const now = this.clock.now();
    return this.acceptedPerMinute.total(now) + this.rejectedPerMinute.total(now);
  }

  getComponents(): Record<string, ComponentStatus> {
    return Object.fromEntries(this.components);
  }

  getOverallStatus(): OverallStatus {
    return overallStatus(this.components, this.gauges.openErrorAlerts > 0);
  }

  recentEvents(limit = EVENT_BUFFER): MonitorEvent[] {
    return this.events.toArray().slice(-limit).reverse();
  }

  recentAlerts(): Record<string, unknown>[] {
    return this.alerts.toArray().reverse();
  }

  status() {
    const metrics = this.getMetrics();
    return {
      timestamp: this.clock.seconds(),
      status: this.getOverallStatus(),
      components: this.getComponents(),
      metrics,
      uptime: formatUptime(metrics.uptimeSeconds),
      recentEvents: this.recentEvents(20),
      recentAlerts: this.recentAlerts().slice(0, 10),
    };
  }

  export() {
    return { ...this.status(), events: this.recentEvents(), alerts: this.recentAlerts() };
  }

  private countReadings(count: number): void {
    const now = this.clock.now();
    this.readingsToday(now);
    this.today.count += count;
    this.readingsPerMinute.add(now, count);
  }

  /** Today's count, starting again at local midnight. */
  private readingsToday(now: number): number {
    const midnight = localMidnight(now);
    if (midnight !== this.today.midnight) {
      this.today = { midnight, count: 0 };
    }
    return this.today.count;
  }

  private emit(event: string, data: unknown, id: number | undefined): void {
    const message: LiveEnvelope = { event, data, id };
    if (id !== undefined) {
      this.replay.push(message);
    }
    this.live.emit(message);
  }
}

export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${days}d ${hours}h ${minutes}m ${seconds % 60}s`;
}
