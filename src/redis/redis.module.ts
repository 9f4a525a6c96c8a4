import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service.js';

/** Redis connections for every module that shares state between instances. */
@Global()
@Module({
  providers: [RedisService],
  exports: [RedisService],
})
export class RedisModule {}
