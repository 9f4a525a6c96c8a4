import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AlertsModule } from './alerts/alerts.module.js';
import { AuthModule } from './auth/auth.module.js';
import { Clock } from './common/clock.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { DevicesModule } from './devices/devices.module.js';
import { ExposureModule } from './exposure/exposure.module.js';
import { GatewaysModule } from './gateways/gateways.module.js';
import { HealthModule } from './health/health.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OccupancyModule } from './occupancy/occupancy.module.js';
import { TcpModule } from './tcp/tcp.module.js';
import { WebModule } from './web/web.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReadingsModule } from './readings/readings.module.js';
import { RedisModule } from './redis/redis.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';

@Module({})
export class AppModule {
  /** The application for one validated configuration (tests pass their own). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }, Clock],
      exports: [APP_CONFIG, Clock],
      imports: [
        ScheduleModule.forRoot(),
        DatabaseModule,
        AuthModule,
        RedisModule,
        ReadingsModule,
        RetentionModule,
        MetricsModule,
        AlertsModule,
        NotificationsModule,
        ExposureModule,
        OccupancyModule,
        DevicesModule,
        TcpModule,
        GatewaysModule,
        WebModule,
        RealtimeModule,
        HealthModule,
      ],
    };
  }
}
