import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import type { DataSourceOptions } from 'typeorm';
import { InitialSchema1764000000000 } from '../../migrations/1764000000000-initial-schema.js';
import { Alerts1764000001000 } from '../../migrations/1764000001000-alerts.js';
import { OccupancyAndDevices1764000002000 } from '../../migrations/1764000002000-occupancy-and-devices.js';
import { DeviceTokens1764000003000 } from '../../migrations/1764000003000-device-tokens.js';
import { NotificationOutbox1764000004000 } from '../../migrations/1764000004000-notification-outbox.js';
import { ReadingRollups1764000005000 } from '../../migrations/1764000005000-reading-rollups.js';
import { OccupancyReset1764000006000 } from '../../migrations/1764000006000-occupancy-reset.js';
import { OneTokenPerGateway1764000007000 } from '../../migrations/1764000007000-one-token-per-gateway.js';
import { ClusteredSensorValues1764000008000 } from '../../migrations/1764000008000-clustered-sensor-values.js';
import { Alert } from '../alerts/alert.entity.js';
import { DeviceToken } from '../auth/device-token.entity.js';
import { Device } from '../devices/device.entity.js';
import { Notification } from '../notifications/notification.entity.js';
import { NotificationTotal } from '../notifications/notification-total.entity.js';
import { Occupancy } from '../occupancy/occupancy.entity.js';
import { ActivityLog } from '../occupancy/activity-log.entity.js';
import { ReadingRollup } from '../readings/reading-rollup.entity.js';
import { SensorData } from '../readings/sensor-data.entity.js';
import { SensorValue } from '../readings/sensor-value.entity.js';

export const ENTITIES = [
  SensorData,
  SensorValue,
  ReadingRollup,
  ActivityLog,
  Alert,
  Occupancy,
  Device,
  DeviceToken,
  Notification,
  NotificationTotal,
];
export const MIGRATIONS = [
  InitialSchema1764000000000,
  Alerts1764000001000,
  OccupancyAndDevices1764000002000,
  DeviceTokens1764000003000,
  NotificationOutbox1764000004000,
  ReadingRollups1764000005000,
  OccupancyReset1764000006000,
  OneTokenPerGateway1764000007000,
  ClusteredSensorValues1764000008000,
];

export interface DatabaseSettings {
  databaseUrl?: string;
  databasePath: string;
}

/** The one TypeORM options object, used by the app and by the migration CLI (ormconfig.ts). */
export function typeormOptions(settings: DatabaseSettings): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // Query errors surface as exceptions and are logged where handled; a unique-index race is expected.
    logging: false,
  };
  if (settings.databaseUrl) {
    return {
      ...common,
      type: 'postgres',
      url: settings.databaseUrl,
      // bigint ids come back as numbers; they stay far below 2^53.
      parseInt8: true,
      // fail fast while the server is away; keep-alive notices a peer that vanished silently
      extra: { max: 10, connectionTimeoutMillis: 5000, keepAlive: true },
    };
  }
  if (settings.databasePath !== ':memory:') {
    mkdirSync(dirname(settings.databasePath), { recursive: true });
  }
  return {
    ...common,
    type: 'sqlite',
    database: settings.databasePath,
    // WAL lets readers query while the group commit writes.
    enableWAL: true,
    busyTimeout: 5000,
    // TypeORM turns on sqlite3's verbose mode, which wraps every call to record a stack trace
    // and formats its arguments: a tenth of the database time on the ingest path, for longer
    // error messages only.
    driver: { ...sqlite3, verbose: () => sqlite3 },
  };
}
