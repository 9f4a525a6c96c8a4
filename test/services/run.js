// Runs the end-to-end suites against real services. Fails, never skips, when one is missing.
import { spawnSync } from 'node:child_process';
import net from 'node:net';

const env = {
  ...process.env,
  SITEWATCH_TEST_DATABASE_URL:
    process.env.SITEWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
};

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port), timeout: 3000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

for (const [name, url] of [['SITEWATCH_TEST_DATABASE_URL', env.SITEWATCH_TEST_DATABASE_URL]]) {
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
