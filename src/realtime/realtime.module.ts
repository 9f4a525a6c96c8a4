import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({
  imports: [MetricsModule],
  providers: [RealtimeGateway],
})
export class RealtimeModule {}
