import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { OccupancyModule } from '../occupancy/occupancy.module.js';
import { TcpAdapter } from './tcp.adapter.js';

@Module({
  imports: [OccupancyModule, DevicesModule, MetricsModule],
  providers: [TcpAdapter],
})
export class TcpModule {}
