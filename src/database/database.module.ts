import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from './transaction-runner.js';
import { typeormOptions } from './typeorm-options.js';
import { BACKSTOP_PAGES, WalCheckpointer } from './wal-checkpointer.js';

/** SQLite's page cache of the application's connection (the default is 2 MB). */
export const SQLITE_CACHE_KIB = 16384;

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => typeormOptions(config),
      // Migrations run before any module touches a table; start-up fails loudly if they cannot.
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        if (dataSource.options.type === 'sqlite') {
          // A 201 survives a power cut too, not only a crash of the process (WAL's default is NORMAL in some builds).
          await dataSource.query('PRAGMA synchronous = FULL');
          // A group of 1,500 readings dirties more pages than the default 2 MB cache holds, so
          // SQLite spilled and re-read them mid-transaction, and kept each statement's undo
          // pages in a temporary file: batch ingest gained a fifth with both in memory.
          await dataSource.query(`PRAGMA cache_size = -${SQLITE_CACHE_KIB}`);
          await dataSource.query('PRAGMA temp_store = MEMORY');
          await dataSource.query(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES}`);
        }
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        if (applied.length > 0) {
          new Logger('Database').log(
            `applied migrations: ${applied.map((m) => m.name).join(', ')}`,
          );
        }
        return dataSource;
      },
    }),
  ],
  providers: [TransactionRunner, WalCheckpointer],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
