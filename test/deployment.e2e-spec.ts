import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/common/project-root.js';
import { loadConfig } from '../src/config/app-config.js';

/** Every variable loadConfig reads, found by watching it read an empty environment. */
function knownVariables(): Set<string> {
  const read = new Set<string>();
  loadConfig(
    new Proxy(
      {},
      { get: (_target, name) => (typeof name === 'string' && read.add(name), undefined) },
    ),
  );
  return read;
}

/** The `environment:` keys of each sitewatch service in docker-compose.yml and the image's ENV. */
function deploymentVariables(): string[] {
  const root = projectRoot();
  const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8').split('\n');
  const names: string[] = [];
  let inSitewatch = false;
  let inEnvironment = false;
  for (const line of compose) {
    if (/^ {2}\S/.test(line)) {
      inSitewatch = /^ {2}sitewatch-/.test(line);
      inEnvironment = false;
    } else if (inSitewatch && /^ {4}environment:/.test(line)) {
      inEnvironment = true;
    } else if (inSitewatch && /^ {4}\S/.test(line)) {
      inEnvironment = false;
    } else if (inSitewatch && inEnvironment) {
      const match = /^ {6}([A-Z][A-Z0-9_]*):/.exec(line);
      if (match) {
        names.push(match[1]);
      }
    }
  }
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const env = dockerfile.slice(dockerfile.lastIndexOf('ENV '));
  names.push(
    ...[...env.matchAll(/\b([A-Z][A-Z0-9_]*)=/g)]
      .map((m) => m[1])
      .filter((name) => name !== 'NODE_ENV'),
  );
  return names;
}

describe('the deployment files', () => {
  it('set only variables the configuration knows', () => {
    const known = knownVariables();
    const used = deploymentVariables();
    expect(used.length).toBeGreaterThanOrEqual(8);
    expect(used.filter((name) => !known.has(name))).toEqual([]);
  });

  it('give both instances the environment npm run test:services uses', () => {
    const used = new Set(deploymentVariables());
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'MQTT_URL', 'MQTT_SHARED_GROUP']) {
      expect(used.has(name)).toBe(true);
    }
  });
});
