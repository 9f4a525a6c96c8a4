// `npm run test:services`: the end-to-end suites against the machine's PostgreSQL, Redis and
// Mosquitto (see test/services/run.js, which checks they answer before jest starts).
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/services/**/*.services-spec.ts'],
  maxWorkers: 1,
};
