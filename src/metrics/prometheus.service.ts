import { Injectable, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ReadingWriter } from '../readings/reading-writer.js';
import { MonitorService } from './monitor.service.js';

// Read from the outbox that every instance shares, so each instance reports the same numbers:
// aggregate them across instances with max(), not sum().
const NOTIFICATION_METRICS = [
  ['sitewatch_notifications_sent', 'Webhook notifications delivered', 'notificationsSent'],
  ['sitewatch_notifications_failed', 'Webhook notifications given up', 'notificationsFailed'],
  [
    'sitewatch_notifications_waiting',
    'Webhook notifications waiting to be delivered',
    'notificationsWaiting',
  ],
] as const;

/**
 * Prometheus metrics: a registry of this application (not prom-client's global one, so two
 * apps in one process, as in tests, do not collide). Gauges are read from the monitor at
 * scrape time; the write latency histogram is fed by the write path.
 */
@Injectable()
export class PrometheusService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly connected = new Map<string, () => number>();

  constructor(
    private readonly monitor: MonitorService,
    private readonly writer: ReadingWriter,
  ) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'sitewatch_' });
    const monitor = this.monitor;
    const registers = [this.registry];
    const ingest = new Counter({
      name: 'sitewatch_ingest_total',
      help: 'Ingest attempts by source and result',
      labelNames: ['source', 'result'],
      registers,
      collect() {
        // Totals live in the monitor; the counter mirrors them at each scrape.
        this.reset();
        for (const { channel, result, count } of monitor.ingestCounts()) {
          this.labels(channel, result).inc(count);
        }
      },
    });
    void ingest;
    const writeSeconds = new Histogram({
      name: 'sitewatch_write_seconds',
      help: 'Duration of write transactions of readings',
      labelNames: ['result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.writer.onOutcome(({ seconds, ok }) =>
      writeSeconds.labels(ok ? 'committed' : 'failed').observe(seconds),
    );
    new Gauge({
      name: 'sitewatch_write_queue',
      help: 'Readings accepted and not yet committed',
      registers,
      collect() {
        this.set(monitor.getMetrics().writeQueue);
      },
    });
    new Gauge({
      name: 'sitewatch_open_alerts',
      help: 'Alerts active or acknowledged',
      registers,
      collect() {
        this.set(monitor.getMetrics().openAlerts);
      },
    });
    for (const [name, help, metric] of NOTIFICATION_METRICS) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(monitor.getMetrics()[metric]);
        },
      });
    }
    const connected = this.connected;
    new Gauge({
      name: 'sitewatch_connected_clients',
      help: 'Live clients by transport',
      labelNames: ['transport'],
      registers,
      collect() {
        for (const [transport, count] of connected) {
          this.labels(transport).set(count());
        }
      },
    });
  }

  /** Lets a transport (Socket.IO, SSE) report how many clients it holds. */
  reportClients(transport: string, count: () => number): void {
    this.connected.set(transport, count);
  }
}
