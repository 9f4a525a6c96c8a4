import { Module } from '@nestjs/common';
import { ReadingsModule } from '../readings/readings.module.js';
import { MonitorController } from './monitor.controller.js';
import { MonitorService } from './monitor.service.js';
import { PrometheusController } from './prometheus.controller.js';
import { PrometheusService } from './prometheus.service.js';
import { SseController } from './sse.controller.js';
import { StatusTicker } from './status-ticker.js';

@Module({
  imports: [ReadingsModule],
  controllers: [MonitorController, SseController, PrometheusController],
  providers: [MonitorService, PrometheusService, StatusTicker],
  exports: [MonitorService, PrometheusService],
})
export class MetricsModule {}
