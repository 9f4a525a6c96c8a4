import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { isDeviceId } from '../common/text.js';
import { loadConfig } from '../config/app-config.js';
import { ConfigError } from '../config/env-parsers.js';
import { typeormOptions } from '../database/typeorm-options.js';
import type { DeviceKind } from '../devices/device.entity.js';
import {
  DEVICE_KINDS,
  issueToken,
  listTokens,
  type Registration,
  RegistrationConflict,
  revokeToken,
} from './token-store.js';

const USAGE = `usage: npm run devices -- add <id> [--kind handheld|facility|gateway|sensor] [--gateway N] [--heartbeat S]
       npm run devices -- list
       npm run devices -- revoke <id>`;

/** The CLI's output is for a person at a shell, not for the log. */
function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A wrong command line: the message and the usage, exit 64 (EX_USAGE). */
class UsageError extends Error {}

function wholeNumber(
  text: string | undefined,
  name: string,
  min: number,
  max: number,
): number | null {
  if (text === undefined) {
    return null;
  }
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`,
    );
  }
  return value;
}

function registration(args: string[]): Registration {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      gateway: { type: 'string' },
      heartbeat: { type: 'string' },
    },
  });
  const [id] = positionals;
  if (positionals.length !== 1 || !isDeviceId(id)) {
    throw new UsageError('add needs one device id of 1–128 characters');
  }
  const kind = (values.kind ?? 'handheld') as DeviceKind;
  if (!DEVICE_KINDS.includes(kind)) {
    throw new UsageError(`--kind must be one of ${DEVICE_KINDS.join(', ')}`);
  }
  const gateway = wholeNumber(values.gateway, 'gateway', 0, 999999999);
  if (kind === 'gateway' && gateway === null) {
    throw new UsageError('a gateway needs --gateway N, the N of its topic {prefix}/N');
  }
  return {
    id,
    kind,
    gateway,
    heartbeatSeconds: wholeNumber(values.heartbeat, 'heartbeat', 1, 7 * 86400),
  };
}

async function run(command: string | undefined, args: string[], db: DataSource): Promise<number> {
  switch (command) {
    case 'add': {
      const device = registration(args);
      const token = await db.transaction((manager) =>
        issueToken(manager, device, Date.now() / 1000),
      );
      const gateway = device.gateway === null ? '' : ` ${device.gateway}`;
      print(
        `Device ${device.id} (${device.kind}${gateway}) registered. Its token, shown only now:`,
      );
      print(token);
      return 0;
    }
    case 'list': {
      const rows = await listTokens(db.manager);
      print(['id', 'kind', 'gateway', 'token issued'].join('\t'));
      for (const row of rows) {
        print(
          [
            row.deviceId,
            row.kind,
            row.gateway ?? '',
            new Date(row.createdAt * 1000).toISOString(),
          ].join('\t'),
        );
      }
      return 0;
    }
    case 'revoke': {
      if (args.length !== 1) {
        throw new UsageError('revoke needs one device id');
      }
      const revoked = await db.transaction((manager) => revokeToken(manager, args[0]));
      print(revoked ? `Token of ${args[0]} revoked.` : `${args[0]} has no token.`);
      return revoked ? 0 : 1;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

/** `npm run devices`: device tokens from a shell, on the database the server uses. */
async function main(): Promise<number> {
  if (existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const [command, ...args] = process.argv.slice(2);
  const config = loadConfig(process.env);
  const db = await new DataSource(typeormOptions(config)).initialize();
  try {
    await db.runMigrations({ transaction: 'each' });
    return await run(command, args, db);
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`devices: ${error.message}\n${USAGE}\n`);
      process.exit(64);
    }
    const known = error instanceof ConfigError || error instanceof RegistrationConflict;
    process.stderr.write(
      `devices: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exit(known ? 1 : 70);
  },
);
