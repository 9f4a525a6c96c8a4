import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ReadingsModule } from '../readings/readings.module.js';
import { Alert } from './alert.entity.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsService } from './alerts.service.js';
import { IngestAlerts } from './ingest-alerts.js';
import { ReadingAlerts } from './reading-alerts.js';

@Module({
  imports: [TypeOrmModule.forFeature([Alert]), ReadingsModule, MetricsModule],
  controllers: [AlertsController],
  providers: [AlertsService, ReadingAlerts, IngestAlerts],
  exports: [AlertsService],
})
export class AlertsModule {}
