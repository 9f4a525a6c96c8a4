import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ReadingsModule } from './readings/readings.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { pinoOptions } from './common/logging.js';

@Module({})
export class AppModule {
  /** The application for one validated configuration (tests pass their own). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
      imports: [
        LoggerModule.forRoot(pinoOptions(config.logLevel)),
        DatabaseModule,
        ReadingsModule,
        RealtimeModule,
        HealthModule,
      ],
    };
  }
}
