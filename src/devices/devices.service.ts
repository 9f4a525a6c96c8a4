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
import { alertsWhenOffline, type DeviceState, timeoutOf, toDeviceJson } from './device-presence.js';
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
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(Device) private readonly repo: Repository<Device>,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
    private readonly alerts: AlertsService,
    private readonly writer: ReadingWriter,
  ) {}

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
    if (!device.online) {
      this.comeBack(device);
    }
  }

  list() {
    return [...this.devices.values()].sort((a, b) => b.lastSeen - a.lastSeen).map(toDeviceJson);
  }

  @Interval(500)
  sweep(): void {
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
      await this.tx.run((manager) =>
        manager.getRepository(Device).upsert(
          rows.map(({ online: _online, ...row }) => row),
          ['id'],
        ),
      );
    } catch (error) {
      ids.forEach((id) => this.dirty.add(id));
      this.logger.warn(`Saving ${ids.length} device(s) failed, will retry: ${String(error)}`);
    }
  }

  private goOffline(device: DeviceState): void {
    device.online = false;
    this.updateGauges();
    const silent = Math.round(this.clock.seconds() - device.lastSeen);
    const message = `Device ${device.id} offline: silent for ${silent} s`;
    if (alertsWhenOffline(device)) {
      this.monitor.logEvent('device', message, { deviceId: device.id, state: 'offline' });
      this.alerts
        .raise({ rule: 'offline', subject: device.id, severity: 'warning', message })
        .catch((error: unknown) =>
          this.logger.error(`Offline alert for ${device.id} failed: ${String(error)}`),
        );
    } else {
      this.monitor.logEvent('info', message, { deviceId: device.id, state: 'offline' });
    }
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

  private updateGauges(): void {
    let online = 0;
    for (const device of this.devices.values()) {
      online += device.online ? 1 : 0;
    }
    this.monitor.setGauge('devicesOnline', online);
    this.monitor.setGauge('devicesOffline', this.devices.size - online);
  }
}
