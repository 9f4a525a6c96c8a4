import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ExposureController } from './exposure.controller.js';
import { ExposureService } from './exposure.service.js';

/** Gas exposure (TWA, STEL) per device and gas, SPEC 10.1. */
@Module({
  imports: [MetricsModule, AlertsModule],
  controllers: [ExposureController],
  providers: [ExposureService],
  exports: [ExposureService],
})
export class ExposureModule {}
