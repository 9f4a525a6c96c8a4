import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock, localMidnight } from '../common/clock.js';
import { Listeners } from '../common/listeners.js';
import { MinuteCounts } from '../common/minute-counts.js';
import { RingBuffer } from '../common/ring-buffer.js';
import { IngestEvents } from '../readings/ingest-events.js';
import { ReadingWriter } from '../readings/reading-writer.js';
import { ReadingsService } from '../readings/readings.service.js';
import { RedisService } from '../redis/redis.service.js';
import { type LiveBus, MemoryLiveBus, RedisLiveBus } from './live-bus.js';
import type {
  ComponentName,
  ComponentState,
  ComponentStatus,
  EventType,
  LiveEnvelope,
  LiveMessage,
  Metrics,
  MonitorEvent,
  OverallStatus,
  ReportedGauge,
} from './monitor.types.js';
import { LOCAL_EVENTS } from './monitor.types.js';
import { overallStatus } from './overall-status.js';
import {
  LocalReadingCounters,
  type ReadingCounters,
  RedisReadingCounters,
} from './reading-counters.js';

const EVENT_BUFFER = 100;
const ALERT_BUFFER = 50;

type AlertRecord = { id: number } & Record<string, unknown>;

/**
 * The one place every module reports to: events, components, counters and alerts, and the
 * hub that live clients listen to. Events and alerts travel on the live bus, so with Redis
 * every instance keeps the same recent events and alerts. Counters are kept as things
 * happen, so reading a metric never scans a table.
 */
@Injectable()
export class MonitorService implements OnModuleInit, OnModuleDestroy {
  /** Messages published by this instance (Socket.IO sends them through its adapter). */
  private readonly local = new Listeners<LiveMessage>(MonitorService.name);
  private readonly bus: LiveBus;
  private readonly events = new RingBuffer<MonitorEvent>(EVENT_BUFFER);
  private readonly alerts = new RingBuffer<AlertRecord>(ALERT_BUFFER);
  private readonly components = new Map<ComponentName, ComponentStatus>();
  private readonly gauges: Record<ReportedGauge, number> = {
    occupancy: 0,
    devicesOnline: 0,
    devicesOffline: 0,
    openAlerts: 0,
    openErrorAlerts: 0,
    notificationsSent: 0,
    notificationsFailed: 0,
    notificationsWaiting: 0,
  };
  private readonly acceptedPerMinute = new MinuteCounts(60);
  private readonly rejectedPerMinute = new MinuteCounts(60);
  private readonly eventsPerMinute = new MinuteCounts(10);
  /** Ingest attempts since start by channel: accepted, rejected. */
  private readonly ingestTotals = new Map<string, [number, number]>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly instance = randomBytes(3).toString('hex');
  private readonly startedAt: number;
  private readings?: ReadingCounters;
  private failedWrites = 0;
  private rejectedInputs = 0;
  private nextEvent = 1;

  constructor(
    private readonly clock: Clock,
    private readonly writer: ReadingWriter,
    private readonly readingsService: ReadingsService,
    private readonly ingest: IngestEvents,
    private readonly redis: RedisService,
  ) {
    this.startedAt = clock.now();
    this.bus = redis.enabled ? new RedisLiveBus(redis) : new MemoryLiveBus();
  }

  async onModuleInit(): Promise<void> {
    this.readings = this.redis.enabled
      ? new RedisReadingCounters(this.redis)
      : new LocalReadingCounters(
          this.clock.now(),
          await this.readingsService.countReceivedSince(localMidnight(this.clock.now()) / 1000),
        );
    if (this.redis.enabled) {
      this.unsubscribers.push(
        this.redis.onStatus(({ online, detail }) =>
          this.updateComponent('redis', online ? 'online' : 'offline', detail),
        ),
      );
      void this.redis.client;
    }
    this.unsubscribers.push(
      this.bus.subscribe((message) => this.heard(message)),
      this.ingest.onRejected(({ channel, count }) => this.recordIngest(channel, false, count)),
      this.writer.onCommitted((reading) => {
        this.readings?.add(1, this.clock.now());
        this.recordIngest(reading.source, true);
        this.publish('update_data', reading);
      }),
      this.writer.onOutcome(({ ok, items }) => {
        if (!ok) {
          this.failedWrites += items;
          this.logEvent('error', `Failed to store ${items} reading(s)`, { count: items });
        }
      }),
    );
    await this.bus.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribers.forEach((unsubscribe) => unsubscribe());
    this.readings?.stop();
    await this.bus.stop();
  }

  logEvent(type: EventType, message: string, details: Record<string, unknown> = {}): MonitorEvent {
    const event: MonitorEvent = {
      id: `${this.instance}-${this.nextEvent++}`,
      type,
      message,
      details,
      at: this.clock.seconds(),
    };
    this.publish('event', event);
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

  /** Ingest attempts: documents or commands taken (`accepted`) or refused as bad input. */
  recordIngest(channel: string, accepted: boolean, count = 1): void {
    const now = this.clock.now();
    if (accepted) {
      this.acceptedPerMinute.add(now, count);
    } else {
      this.rejectedPerMinute.add(now, count);
      this.rejectedInputs += count;
    }
    let totals = this.ingestTotals.get(channel);
    if (!totals) {
      totals = [0, 0];
      this.ingestTotals.set(channel, totals);
    }
    totals[accepted ? 0 : 1] += count;
  }

  /** Ingest attempts since start by channel and result, for Prometheus. */
  ingestCounts(): { channel: string; result: string; count: number }[] {
    return [...this.ingestTotals].flatMap(([channel, [accepted, rejected]]) => [
      { channel, result: 'accepted', count: accepted },
      { channel, result: 'rejected', count: rejected },
    ]);
  }

  setGauge(name: ReportedGauge, value: number): void {
    this.gauges[name] = value;
  }

  /** An alert changed (raised, repeated, acknowledged, resolved): kept and sent to live clients. */
  recordAlert(alert: AlertRecord): void {
    this.publish('alert', alert);
  }

  /**
   * Sends a message to live clients: Socket.IO (through its adapter, to every instance) and the
   * live bus (SSE on every instance). LOCAL_EVENTS stay on this instance.
   */
  publish(event: string, data: unknown): void {
    this.local.emit({ event, data });
    if (!LOCAL_EVENTS.has(event)) {
      this.bus.publish({ event, data });
    }
  }

  /** Every instance's messages, with replay ids: for SSE. */
  subscribe(listener: (message: LiveEnvelope) => void): () => void {
    return this.bus.subscribe(listener);
  }

  /** This instance's messages, `status` included: for Socket.IO. */
  subscribeLocal(listener: (message: LiveMessage) => void): () => void {
    return this.local.subscribe(listener);
  }

  /** Messages after `lastId` still held for replay, oldest first. */
  replaySince(lastId: string): Promise<LiveEnvelope[]> {
    return this.bus.replaySince(lastId);
  }

  getMetrics(): Metrics {
    const now = this.clock.now();
    const accepted = this.acceptedPerMinute.total(now);
    const attempts = accepted + this.rejectedPerMinute.total(now);
    return {
      readingsToday: this.readings?.today(now) ?? 0,
      readingsLastHour: this.readings?.lastHour(now) ?? 0,
      acceptanceRate: attempts === 0 ? 100 : Math.round((accepted / attempts) * 1000) / 10,
      writeQueue: this.writer.waiting,
      failedWrites: this.failedWrites,
      rejectedInputs: this.rejectedInputs,
      occupancy: this.gauges.occupancy,
      devicesOnline: this.gauges.devicesOnline,
      devicesOffline: this.gauges.devicesOffline,
      openAlerts: this.gauges.openAlerts,
      notificationsSent: this.gauges.notificationsSent,
      notificationsFailed: this.gauges.notificationsFailed,
      notificationsWaiting: this.gauges.notificationsWaiting,
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

  /** A message from the bus (this instance's or another's): keep what the monitor shows. */
  private heard({ event, data }: LiveEnvelope): void {
    if (event === 'event') {
      this.events.push(data as MonitorEvent);
      this.eventsPerMinute.add(this.clock.now());
    } else if (event === 'alert') {
      this.alerts.push(data as AlertRecord);
    } else if (event === 'occupancy') {
      this.gauges.occupancy = (data as { occupancy: number }).occupancy;
    }
  }
}

export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${days}d ${hours}h ${minutes}m ${seconds % 60}s`;
}
