import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ActivityLog } from './activity-log.entity.js';
import { ActivityTextLog } from './activity-text-log.js';
import { ActivityService } from './activity.service.js';
import { OccupancyController } from './occupancy.controller.js';
import { OccupancyResetService } from './occupancy-reset.service.js';
import { Occupancy } from './occupancy.entity.js';
import { OccupancyService } from './occupancy.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Occupancy, ActivityLog]), AlertsModule, MetricsModule],
  controllers: [OccupancyController],
  providers: [OccupancyService, OccupancyResetService, ActivityService, ActivityTextLog],
  exports: [OccupancyService],
})
export class OccupancyModule {}
