import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IngestEvents } from './ingest-events.js';
import { IngestController } from './ingest.controller.js';
import { IngestRejectionFilter } from './ingest-rejection.filter.js';
import { ReadingRollup } from './reading-rollup.entity.js';
import { ReadingWriter } from './reading-writer.js';
import { ReadingsCsvController } from './readings-csv.controller.js';
import { ReadingsController } from './readings.controller.js';
import { ReadingsService } from './readings.service.js';
import { SensorData } from './sensor-data.entity.js';
import { SensorValue } from './sensor-value.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([SensorData, SensorValue, ReadingRollup])],
  controllers: [IngestController, ReadingsController, ReadingsCsvController],
  providers: [ReadingsService, ReadingWriter, IngestEvents, IngestRejectionFilter],
  exports: [ReadingsService, ReadingWriter, IngestEvents],
})
export class ReadingsModule {}
