import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { startTestApp } from '../helpers/test-app.js';

describe('test:services engines', () => {
  it('runs the suites on PostgreSQL', async () => {
    const t = await startTestApp();
    try {
      expect(t.config.databaseUrl).toMatch(/^postgres(ql)?:\/\//);
      expect(t.app.get(TransactionRunner).dialect).toBe('postgres');
    } finally {
      await t.close();
    }
  });
});
