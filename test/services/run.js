// Runs the end-to-end suites against real services. Fails, never skips, when one is missing.
import { spawnSync } from 'node:child_process';
import net from 'node:net';

const env = {
  ...process.env,
  SITEWATCH_TEST_DATABASE_URL:
    process.env.SITEWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  SITEWATCH_TEST_REDIS_URL: process.env.SITEWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15',
  SITEWATCH_TEST_MQTT_URL: process.env.SITEWATCH_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
};

function reachable(url) {
  const { hostname, port: given, protocol } = new URL(url);
  const port = given || { 'postgres:': 5432, 'redis:': 6379, 'mqtt:': 1883 }[protocol];
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port), timeout: 3000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const services = [
  'SITEWATCH_TEST_DATABASE_URL',
  'SITEWATCH_TEST_REDIS_URL',
  'SITEWATCH_TEST_MQTT_URL',
];
for (const [name, url] of services.map((name) => [name, env[name]])) {
  if (!(await reachable(url))) {
    process.stderr.write(
      `test:services: ${name}=${url} does not answer; start the service or set ${name}\n`,
    );
    process.exit(1);
  }
}

const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '--config',
    'jest.services.config.js',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env },
);
process.exit(jest.status ?? 1);
