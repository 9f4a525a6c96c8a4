import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config.js';
import { typeormOptions } from './src/database/typeorm-options.js';

// The DataSource the TypeORM CLI uses (`npm run migration:run`): same options as the app.
try {
  process.loadEnvFile();
} catch {
  // no .env file: the environment alone configures the CLI
}

export default new DataSource(typeormOptions(loadConfig(process.env)));
