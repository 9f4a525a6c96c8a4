// `npm run test:browser`: the pages in Debian's Chromium, driven by playwright-core.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  maxWorkers: 1,
  testTimeout: 60000,
};
