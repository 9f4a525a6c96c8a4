import { Global, Module } from '@nestjs/common';
import { RedisExpiryService } from './redis-expiry.service.js';
import { RedisService } from './redis.service.js';

/** Redis connections for every module that shares state between instances. */
@Global()
@Module({
  providers: [RedisService, RedisExpiryService],
  exports: [RedisService, RedisExpiryService],
})
export class RedisModule {}
