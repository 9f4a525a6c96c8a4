import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RedisService } from './redis.service.js';

@Module({
  imports: [MetricsModule],
  providers: [RedisService],
  exports: [RedisService],
})
export class RedisModule {}
