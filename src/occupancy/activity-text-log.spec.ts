import { mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { ActivityTextLog, REOPEN_CHECK_MS } from './activity-text-log.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(ActivityTextLog.name, () => {
  let dir: string;
  let path: string;
  let log: ActivityTextLog;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'activity-log-'));
    path = join(dir, 'logs', 'activity.txt');
    log = new ActivityTextLog({ activityLogFile: path } as AppConfig);
  });

  afterEach(async () => {
    await log.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends lines in order, creating its folder', async () => {
    log.append(['one', 'two']);
    log.append([]);
    log.append(['three']);
    await log.flushed();
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\nthree\n');
  });

  it('follows a rotated or deleted file with a new one at the path', async () => {
    log.append(['before']);
    await log.flushed();
    renameSync(path, `${path}.1`);
    await pause(REOPEN_CHECK_MS + 100);
    log.append(['after rotation']);
    await log.flushed();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('before\n');
    expect(readFileSync(path, 'utf8')).toBe('after rotation\n');

    unlinkSync(path);
    await pause(REOPEN_CHECK_MS + 100);
    log.append(['after removal']);
    await log.flushed();
    expect(readFileSync(path, 'utf8')).toBe('after removal\n');
  });
});
