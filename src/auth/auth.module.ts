import { Global, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ApiKey } from './api-key.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { AuthFailures } from './auth-failures.js';
import { DeviceToken } from './device-token.entity.js';
import { DeviceTokensController } from './device-tokens.controller.js';
import { DeviceTokensService } from './device-tokens.service.js';
import { exposedOpenListeners } from './open-mode-warning.js';
import { StreamClients } from './stream-clients.js';

/** Credentials and limits of SPEC section 8, for every channel. Global: every module guards with it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([DeviceToken]), MetricsModule],
  controllers: [DeviceTokensController],
  providers: [
    ApiKey,
    AuthFailures,
    DeviceTokensService,
    StreamClients,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [ApiKey, AuthFailures, DeviceTokensService, StreamClients],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    const exposed = exposedOpenListeners(this.config);
    if (exposed.length > 0) {
      new Logger('Security').warn(
        `AUTH_MODE=open with ${exposed.join(', ')}: any host that reaches these ports can send data. Use AUTH_MODE=token or bind to 127.0.0.1.`,
      );
    }
  }
}
