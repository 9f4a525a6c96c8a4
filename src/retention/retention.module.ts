import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RetentionService } from './retention.service.js';

/** Deletes raw readings past RETENTION_DAYS; a module of its own because it reports to metrics. */
@Module({
  imports: [MetricsModule],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
