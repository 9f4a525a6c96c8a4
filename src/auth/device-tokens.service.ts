import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { DevicesService } from '../devices/devices.service.js';
import {
  type DeviceCredential,
  hashToken,
  mayReportAs,
  TOKEN_PATTERN,
} from './device-credentials.js';
import { DeviceToken } from './device-token.entity.js';
import {
  issueToken,
  listTokens,
  type Registration,
  revokeToken,
  RegistrationConflict,
} from './token-store.js';

/** Tokens issued or revoked elsewhere (another instance, `npm run devices`) are seen this soon. */
const RELOAD_EVERY_MS = 10000;

/**
 * Device tokens for token mode. Every credential is held in memory by token hash, so checking
 * one costs a hash and a map lookup. An unknown token is looked up in the table by its hash, so
 * a token just issued by the CLI or another instance works at once (failures per address are
 * limited, so bad tokens cannot turn into a flood of queries); the whole table is re-read every
 * 10 s, which is how a revocation elsewhere reaches this instance.
 */
@Injectable()
export class DeviceTokensService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeviceTokensService.name);
  private byHash = new Map<string, DeviceCredential>();
  private byId = new Map<string, DeviceCredential>();
  private loaded = false;
  private revisions = 0;
  private reloading?: Promise<void>;
  private devices?: DevicesService;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Resolved late: the devices registry depends on readings, which depend on this service.
    this.devices = this.moduleRef.get(DevicesService, { strict: false });
    await this.reload();
  }

  /** The device a token belongs to; null for an unknown, revoked or malformed token. */
  async verify(token: string): Promise<DeviceCredential | null> {
    if (!TOKEN_PATTERN.test(token)) {
      return null;
    }
    const hash = hashToken(token);
    const known = this.byHash.get(hash);
    if (known) {
      return known;
    }
    const row = await this.dataSource.getRepository(DeviceToken).findOneBy({ tokenHash: hash });
    if (!row) {
      return null;
    }
    const credential = {
      deviceId: row.deviceId,
      kind: row.kind,
      gateway: row.gateway,
      tokenHash: hash,
    };
    this.remember(credential);
    await this.devices?.reloadRegistration(row.deviceId);
    return credential;
  }

  /** The ids among `ids` that `credential` may not report readings for. */
  refusedIds(credential: DeviceCredential, ids: Iterable<string>): string[] {
    return [...new Set(ids)].filter(
      (id) =>
        !mayReportAs(credential, id, {
          tokenHolder: this.byId.has(id),
          gateway: this.devices?.gatewayOf(id) ?? null,
        }),
    );
  }

  async issue(registration: Registration): Promise<{ token: string; createdAt: number }> {
    const createdAt = this.clock.seconds();
    let token: string;
    try {
      token = await this.tx.run((manager) => issueToken(manager, registration, createdAt));
    } catch (error) {
      throw isUniqueViolation(error)
        ? new RegistrationConflict(
            registration.kind === 'gateway'
              ? `device ${registration.id} or gateway ${registration.gateway} already has a token`
              : `device ${registration.id} already has a token`,
          )
        : error;
    }
    this.remember({
      deviceId: registration.id,
      kind: registration.kind,
      gateway: registration.gateway,
      tokenHash: hashToken(token),
    });
    this.devices?.register(registration);
    return { token, createdAt };
  }

  async revoke(id: string): Promise<boolean> {
    const revoked = await this.tx.run((manager) => revokeToken(manager, id));
    // a reload that read the table before this commit must not bring the token back
    this.revisions++;
    const known = this.byId.get(id);
    if (known) {
      this.byId.delete(id);
      this.byHash.delete(known.tokenHash);
    }
    return revoked;
  }

  /**
   * Whether a credential proven earlier still stands: open MQTT and TCP connections ask on
   * every message, so a revoked token stops working on them too (at once on this instance,
   * within a reload elsewhere).
   */
  isCurrent(credential: DeviceCredential): boolean {
    return this.byHash.has(credential.tokenHash);
  }

  list() {
    return listTokens(this.dataSource.manager);
  }

  hasToken(id: string): boolean {
    return this.byId.has(id);
  }

  @Interval(RELOAD_EVERY_MS)
  async refresh(): Promise<void> {
    await this.reload().catch((error: unknown) =>
      this.logger.warn(`Device tokens not reloaded: ${String(error)}`),
    );
  }

  private reload(): Promise<void> {
    this.reloading ??= this.readAll().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async readAll(): Promise<void> {
    // the first read follows the registry's own load at start: nothing new to tell it
    const before = this.loaded ? this.byId : undefined;
    this.loaded = true;
    const revision = this.revisions;
    const rows = await listTokens(this.dataSource.manager);
    if (revision !== this.revisions) {
      return; // a revocation here meanwhile: this snapshot is older than it, the next one is not
    }
    this.byHash = new Map();
    this.byId = new Map();
    for (const row of rows) {
      this.remember({
        deviceId: row.deviceId,
        kind: row.kind,
        gateway: row.gateway,
        tokenHash: row.tokenHash,
      });
      if (before && !before.has(row.deviceId)) {
        // registered by the CLI or another instance: take its kind, gateway and heartbeat
        await this.devices?.reloadRegistration(row.deviceId);
      }
    }
  }

  private remember(credential: DeviceCredential): void {
    this.byHash.set(credential.tokenHash, credential);
    this.byId.set(credential.deviceId, credential);
  }
}
