import { Module } from '@nestjs/common';
import { ReadingsModule } from '../readings/readings.module.js';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({
  imports: [ReadingsModule],
  providers: [RealtimeGateway],
})
export class RealtimeModule {}
