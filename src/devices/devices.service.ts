import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { ReadingWriter } from '../readings/reading-writer.js';
import { RedisExpiryService } from '../redis/redis-expiry.service.js';
import { RedisService } from '../redis/redis.service.js';
import { RedisPresence } from './redis-presence.js';
import { alertsWhenOffline, type DeviceState, timeoutOf, toDeviceJson } from './device-presence.js';
import { CHANNEL_OF, type Registration } from '../auth/token-store.js';
import { Device, type DeviceChannel, type DeviceKind } from './device.entity.js';

export interface Sighting {
  kind: DeviceKind;
  channel: DeviceChannel;
  gateway?: number | null;
  sensorTypes?: string[];
}

/**
 * The devices registry and presence. Sightings update memory at once; first and last seen
 * reach the database in one write every 2 s, so a busy device costs no write per message.
 * A sweep every 500 ms turns devices silent past their deadline offline, so the warning
 * comes within a second of the deadline and never before it.
 */
@Injectable()
export class DevicesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DevicesService.name);
  private readonly devices = new Map<string, DeviceState>();
  private readonly dirty = new Set<string>();
  private readonly presence?: RedisPresence;
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(Device) private readonly repo: Repository<Device>,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
    private readonly alerts: AlertsService,
    private readonly writer: ReadingWriter,
    redis: RedisService,
    expiry: RedisExpiryService,
  ) {
    if (redis.enabled) {
      this.presence = new RedisPresence(redis, expiry, (id, lastSeen, alerting) =>
        this.wentOffline(id, lastSeen, alerting),
      );
    }
  }

  async onModuleInit(): Promise<void> {
    const now = this.clock.seconds();
    for (const row of await this.repo.find()) {
      const device: DeviceState = {
        ...row,
        sensorTypes: new Set(JSON.parse(row.sensorTypes)),
        online: false,
      };
      device.online = row.lastSeen > now - timeoutOf(device, this.config.heartbeatTimeoutSeconds);
      this.devices.set(row.id, device);
    }
    this.updateGauges();
    await this.presence?.start();
    this.unsubscribe = this.writer.onCommitted((reading) =>
      this.seen(reading.id, {
        kind: reading.source === 'http' ? 'handheld' : 'sensor',
        channel: reading.source,
        gateway: reading.gateway,
        sensorTypes: reading.sensors.map((sensor) => sensor.type),
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.presence?.stop();
    await this.flush();
  }

  /** A message from `id`: it is online from now until its deadline. */
  seen(id: string, sighting: Sighting): void {
    const now = this.clock.seconds();
    let device = this.devices.get(id);
    if (!device) {
      device = {
        id,
        kind: sighting.kind,
        channel: sighting.channel,
        gateway: sighting.gateway ?? null,
        sensorTypes: new Set(),
        firstSeen: now,
        lastSeen: now,
        heartbeatSeconds: null,
        online: true,
      };
      this.devices.set(id, device);
      this.monitor.logEvent(
        'device',
        `New device ${id} (${sighting.kind} over ${sighting.channel})`,
        { deviceId: id },
      );
      this.updateGauges();
    }
    device.lastSeen = now;
    device.channel = sighting.channel;
    device.gateway = sighting.gateway ?? device.gateway;
    sighting.sensorTypes?.forEach((type) => device.sensorTypes.add(type));
    this.dirty.add(id);
    if (this.presence) {
      const timeout = timeoutOf(device, this.config.heartbeatTimeoutSeconds);
      const shared = device;
      this.presence.seen(id, now, timeout, alertsWhenOffline(device)).then(
        (back) => back && this.comeBack(shared),
        (error: unknown) => this.logger.debug(`Presence of ${id} not shared: ${String(error)}`),
      );
    } else if (!device.online) {
      this.comeBack(device);
    }
  }

  /** The gateway a device was last heard through; null for none or an unknown device. */
  gatewayOf(id: string): number | null {
    return this.devices.get(id)?.gateway ?? null;
  }

  /**
   * A device registered with a token (admin API or `npm run devices`): its kind, gateway and
   * heartbeat. The registration counts as a sighting, so a device that never shows up goes
   * offline when its heartbeat runs out.
   */
  register(registration: Registration): void {
    const device = this.devices.get(registration.id);
    if (device) {
      Object.assign(device, {
        kind: registration.kind,
        gateway: registration.gateway,
        heartbeatSeconds: registration.heartbeatSeconds,
      });
      return;
    }
    this.seen(registration.id, {
      kind: registration.kind,
      channel: CHANNEL_OF[registration.kind],
      gateway: registration.gateway,
    });
    this.devices.get(registration.id)!.heartbeatSeconds = registration.heartbeatSeconds;
  }

  /** Takes a registration written to the database by another process. */
  async reloadRegistration(id: string): Promise<void> {
    const row = await this.repo.findOneBy({ id });
    if (row) {
      this.register(row);
    }
  }

  /** Every device, most recently seen first; with Redis, as every instance saw them. */
  async list() {
    if (this.presence) {
      const [rows, offline] = await Promise.all([this.repo.find(), this.presence.offline()]);
      const down = new Set(offline);
      for (const row of rows) {
        const known = this.devices.get(row.id);
        if (!known || known.lastSeen < row.lastSeen) {
          this.devices.set(row.id, {
            ...row,
            sensorTypes: new Set(JSON.parse(row.sensorTypes)),
            online: true,
          });
        }
        this.devices.get(row.id)!.online = !down.has(row.id);
      }
    }
    return [...this.devices.values()].sort((a, b) => b.lastSeen - a.lastSeen).map(toDeviceJson);
  }

  @Interval(500)
  sweep(): void {
    if (this.presence) {
      return;
    }
    const now = this.clock.seconds();
    for (const device of this.devices.values()) {
      if (
        device.online &&
        now - device.lastSeen >= timeoutOf(device, this.config.heartbeatTimeoutSeconds)
      ) {
        this.goOffline(device);
      }
    }
  }

  @Interval(2000)
  async flush(): Promise<void> {
    if (this.dirty.size === 0) {
      return;
    }
    const ids = [...this.dirty];
    this.dirty.clear();
    const rows = ids
      .map((id) => this.devices.get(id)!)
      .map((d) => ({ ...d, sensorTypes: JSON.stringify([...d.sensorTypes].sort()) }));
    try {
      // Only what presence owns is updated: kind and heartbeat belong to registration.
      await this.tx.run((manager) =>
        manager
          .createQueryBuilder()
          .insert()
          .into(Device)
          .values(rows.map(({ online: _online, ...row }) => row))
          .orUpdate(['channel', 'gateway', 'sensor_types', 'last_seen'], ['id'])
          .execute(),
      );
    } catch (error) {
      ids.forEach((id) => this.dirty.add(id));
      this.logger.warn(`Saving ${ids.length} device(s) failed, will retry: ${String(error)}`);
    }
  }

  private goOffline(device: DeviceState): void {
    device.online = false;
    this.updateGauges();
    this.wentOffline(device.id, device.lastSeen, alertsWhenOffline(device));
  }

  /** Announces a device gone silent: an alert for those that alert, an info event for others. */
  private wentOffline(id: string, lastSeen: number, alerting: boolean): void {
    const known = this.devices.get(id);
    if (known) {
      known.online = false;
    }
    const message = `Device ${id} offline: silent for ${Math.round(this.clock.seconds() - lastSeen)} s`;
    if (!alerting) {
      this.monitor.logEvent('info', message, { deviceId: id, state: 'offline' });
      return;
    }
    this.monitor.logEvent('device', message, { deviceId: id, state: 'offline' });
    this.alerts
      .raise({ rule: 'offline', subject: id, severity: 'warning', message })
      .catch((error: unknown) =>
        this.logger.error(`Offline alert for ${id} failed: ${String(error)}`),
      );
  }

  private comeBack(device: DeviceState): void {
    device.online = true;
    this.updateGauges();
    this.monitor.logEvent('device', `Device ${device.id} back online`, {
      deviceId: device.id,
      state: 'online',
    });
    if (alertsWhenOffline(device)) {
      this.alerts
        .resolveOpen('offline', device.id)
        .catch((error: unknown) =>
          this.logger.error(`Resolving offline for ${device.id} failed: ${String(error)}`),
        );
    }
  }

  /** With Redis, the gauges count every instance's devices. */
  @Interval(2000)
  async refreshSharedGauges(): Promise<void> {
    if (!this.presence) {
      return;
    }
    try {
      const { total, offline } = await this.presence.counts();
      this.monitor.setGauge('devicesOnline', total - offline);
      this.monitor.setGauge('devicesOffline', offline);
    } catch (error) {
      this.logger.debug(`Device counts not refreshed: ${String(error)}`);
    }
  }

  private updateGauges(): void {
    if (this.presence) {
      return;
    }
    let online = 0;
    for (const device of this.devices.values()) {
      online += device.online ? 1 : 0;
    }
    this.monitor.setGauge('devicesOnline', online);
    this.monitor.setGauge('devicesOffline', this.devices.size - online);
  }
}
